// Fake credentials in each provider's format, made fresh from a seed: the
// corpus holds templates ("ghp_[[a:36]]"), never a real token.
//
//   [[a:N]]  letters and digits      [[h:N]]  lower-case hex
//   [[H:N]]  upper-case hex          [[U:N]]  upper-case letters and digits
//   [[d:N]]  digits                  [[t:N]]  base64url ([A-Za-z0-9_-])
//   [[l:N]]  letters                 [[lo:N]] lower-case letters and digits
//   [[b:N]]  base64 ([A-Za-z0-9+/])  [[s:N]]  a password: all four classes
//   [[B32:N]] upper-case bech32      [[A32:N]] upper-case base32 (A-Z, 2-7)
//   [[uuid]] a lower-case UUID
//   [[b64:TEXT]] TEXT (itself a template) in base64
// Random runs start with a letter or digit and never spell a placeholder.
#pragma once

#include <cstdint>
#include <random>
#include <string>
#include <string_view>

namespace corral::test {

class FakeCredentials {
 public:
  explicit FakeCredentials(uint64_t seed) : random_(seed) {}

  // `text` with each [[…]] replaced.
  std::string expand(std::string_view text);

 private:
  std::string run(std::string_view kind, size_t length);
  std::mt19937_64 random_;
};

std::string base64(std::string_view bytes);

}  // namespace corral::test
