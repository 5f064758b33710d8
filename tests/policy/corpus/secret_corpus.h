// Lines that hold a credential and ordinary look-alikes that must pass, by
// family, for the secret scanner's table test and its recall bench. Each
// case is one line or a few consecutive lines (a key block); the fake
// credentials in it are drawn from `seed` (fake_credentials.h).
#pragma once

#include <cstdint>
#include <vector>

#include "policy/corpus/corpus_case.h"

namespace corral::test {

// Families: "tokens", "private keys", "connection strings", "http
// credentials", "assignments"; each hostile case names the rule that must
// find it.
std::vector<CorpusCase> secret_corpus(uint64_t seed);

}  // namespace corral::test
