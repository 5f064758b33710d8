#include "core/ids.h"

#include <openssl/rand.h>

#include <chrono>
#include <cstdlib>
#include <mutex>
#include <random>

namespace corral {
namespace {

constexpr std::string_view kAlphabet = "0123456789abcdefghjkmnpqrstvwxyz";  // Crockford
constexpr size_t kTimeChars = 10;
constexpr size_t kRandomChars = 8;

std::string encode(uint64_t value, size_t width) {
  std::string out(width, '0');
  for (size_t i = width; i-- > 0;) {
    out[i] = kAlphabet[value & 31];
    value >>= 5;
  }
  return out;
}

uint64_t random_bits() {
  static std::mutex mutex;  // guards engine
  static std::mt19937_64 engine{std::random_device{}()};
  std::lock_guard lock(mutex);
  return engine();
}

}  // namespace

std::string new_id(std::string_view prefix) {
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
                .count();
  return std::string(prefix) + "-" + encode(static_cast<uint64_t>(ms), kTimeChars) +
         encode(random_bits(), kRandomChars);
}

std::string new_secret(std::string_view prefix) {
  unsigned char bytes[24];
  if (RAND_bytes(bytes, sizeof bytes) != 1) std::abort();  // no randomness: nothing safe to hand out
  static constexpr char kHex[] = "0123456789abcdef";
  std::string secret(prefix);
  for (unsigned char b : bytes) {
    secret += kHex[b >> 4];
    secret += kHex[b & 15];
  }
  return secret;
}

bool is_valid_id(std::string_view id, std::string_view prefix) {
  if (id.size() != prefix.size() + 1 + kTimeChars + kRandomChars) return false;
  if (id.substr(0, prefix.size()) != prefix || id[prefix.size()] != '-') return false;
  for (char c : id.substr(prefix.size() + 1)) {
    if (kAlphabet.find(c) == std::string_view::npos) return false;
  }
  return true;
}

}  // namespace corral
