// Lines that hold a credential and ordinary look-alikes that must pass, by
// family, for the secret scanner's table test and its recall bench. Each
// case is one line or a few consecutive lines (a key block); the fake
// credentials in it are drawn from `seed` (fake_credentials.h).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace corral::test {

struct SecretCase {
  std::string family;  // "tokens", "private keys", "connection strings", "http credentials", "assignments"
  bool secret = false;
  std::string rule;  // for a secret: the rule that must name it
  std::string text;  // lines separated by '\n'
};

std::vector<SecretCase> secret_corpus(uint64_t seed);

}  // namespace corral::test
