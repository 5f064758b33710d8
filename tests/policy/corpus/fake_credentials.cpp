#include "policy/corpus/fake_credentials.h"

#include <stdexcept>

#include "policy/secrets/secret_values.h"

namespace corral::test {
namespace {

constexpr std::string_view kUpper = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
constexpr std::string_view kLower = "abcdefghijklmnopqrstuvwxyz";
constexpr std::string_view kDigits = "0123456789";
constexpr std::string_view kPunctuation = "!#*-_+.~^";

std::string alphabet(std::string_view kind) {
  std::string upper(kUpper), lower(kLower), digits(kDigits);
  if (kind == "a") return upper + lower + digits;
  if (kind == "h") return digits + "abcdef";
  if (kind == "H") return digits + "ABCDEF";
  if (kind == "U") return upper + digits;
  if (kind == "d") return digits;
  if (kind == "t") return upper + lower + digits + "_-";
  if (kind == "l") return upper + lower;
  if (kind == "lo") return lower + digits;
  if (kind == "b") return upper + lower + digits + "+/";
  if (kind == "s") return upper + lower + digits + std::string(kPunctuation);
  if (kind == "B32") return "QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L";
  if (kind == "A32") return upper + "234567";
  throw std::invalid_argument("no such run kind: " + std::string(kind));
}

size_t closing(std::string_view text, size_t open) {
  int depth = 0;
  for (size_t at = open; at + 1 < text.size(); ++at) {
    if (text.compare(at, 2, "[[") == 0) {
      ++depth;
      ++at;
    } else if (text.compare(at, 2, "]]") == 0) {
      if (--depth == 0) return at;
      ++at;
    }
  }
  throw std::invalid_argument("unclosed [[ in: " + std::string(text));
}

}  // namespace

std::string base64(std::string_view bytes) {
  static constexpr std::string_view kDigits64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  for (size_t at = 0; at < bytes.size(); at += 3) {
    uint32_t group = static_cast<uint8_t>(bytes[at]) << 16;
    if (at + 1 < bytes.size()) group |= static_cast<uint8_t>(bytes[at + 1]) << 8;
    if (at + 2 < bytes.size()) group |= static_cast<uint8_t>(bytes[at + 2]);
    out += kDigits64[(group >> 18) & 63];
    out += kDigits64[(group >> 12) & 63];
    out += at + 1 < bytes.size() ? kDigits64[(group >> 6) & 63] : '=';
    out += at + 2 < bytes.size() ? kDigits64[group & 63] : '=';
  }
  return out;
}

std::string FakeCredentials::run(std::string_view kind, size_t length) {
  std::string chars = alphabet(kind);
  std::string alnum_start = kind == "b" || kind == "t" || kind == "s" ? alphabet("a") : chars;
  for (;;) {
    std::string out;
    for (size_t i = 0; i < length; ++i) {
      const std::string& from = i == 0 ? alnum_start : chars;
      out += from[random_() % from.size()];
    }
    if (kind == "s" && length >= 4) {
      // A password of all four classes, wherever they fall.
      out[1 + random_() % (length - 1)] = kPunctuation[random_() % kPunctuation.size()];
      out[0] = kUpper[random_() % kUpper.size()];
      out[length - 1] = kDigits[random_() % kDigits.size()];
      out[length / 2] = kLower[random_() % kLower.size()];
    }
    // A random run that happens to spell "test" or count upwards would be a
    // placeholder by the scanner's rules: draw again.
    if (length < 6 || kind == "d" || !policy::secrets::is_placeholder(out)) return out;
  }
}

std::string FakeCredentials::expand(std::string_view text) {
  std::string out;
  size_t at = 0;
  for (size_t open = text.find("[["); open != std::string_view::npos; open = text.find("[[", at)) {
    out += text.substr(at, open - at);
    size_t close = closing(text, open);
    std::string_view inside = text.substr(open + 2, close - open - 2);
    at = close + 2;
    if (inside.starts_with("b64:")) {
      out += base64(expand(inside.substr(4)));
    } else if (inside == "uuid") {
      out += run("h", 8) + "-" + run("h", 4) + "-4" + run("h", 3) + "-a" + run("h", 3) + "-" + run("h", 12);
    } else {
      size_t colon = inside.find(':');
      if (colon == std::string_view::npos) throw std::invalid_argument("no length in [[" + std::string(inside) + "]]");
      out += run(inside.substr(0, colon), std::stoul(std::string(inside.substr(colon + 1))));
    }
  }
  out += text.substr(at);
  return out;
}

}  // namespace corral::test
