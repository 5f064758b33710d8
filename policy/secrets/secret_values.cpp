#include "policy/secrets/secret_values.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>

namespace corral::policy::secrets {
namespace {

bool contains(std::string_view text, std::string_view part) { return text.find(part) != std::string_view::npos; }

bool starts_with_any(std::string_view text, std::initializer_list<std::string_view> prefixes) {
  return std::any_of(prefixes.begin(), prefixes.end(), [&](std::string_view p) { return text.starts_with(p); });
}

bool contains_any(std::string_view text, std::initializer_list<std::string_view> parts) {
  return std::any_of(parts.begin(), parts.end(), [&](std::string_view p) { return contains(text, p); });
}

// Mostly one step up at a time: "123456789", "abcdefgh", "0123456789abcdef".
bool is_counting_run(std::string_view text) {
  if (text.size() < 6) return false;
  size_t steps = 0;
  for (size_t i = 1; i < text.size(); ++i) {
    if (text[i] == text[i - 1] + 1) ++steps;
  }
  return steps * 5 >= (text.size() - 1) * 4;
}

bool few_distinct_characters(std::string_view text) {
  std::array<bool, 256> seen{};
  int distinct = 0;
  for (unsigned char c : text) {
    if (!seen[c]) ++distinct;
    seen[c] = true;
  }
  return distinct <= 2 || (text.size() >= 16 && distinct <= 4);
}

int base64_digit(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+' || c == '-') return 62;
  if (c == '/' || c == '_') return 63;
  return -1;
}

}  // namespace

double shannon_entropy(std::string_view text) {
  if (text.empty()) return 0;
  std::array<size_t, 256> counts{};
  for (unsigned char c : text) ++counts[c];
  double entropy = 0;
  for (size_t count : counts) {
    if (count == 0) continue;
    double p = static_cast<double>(count) / static_cast<double>(text.size());
    entropy -= p * std::log2(p);
  }
  return entropy;
}

int character_classes(std::string_view text) {
  bool lower = false, upper = false, digit = false, other = false;
  for (unsigned char c : text) {
    lower |= std::islower(c) != 0;
    upper |= std::isupper(c) != 0;
    digit |= std::isdigit(c) != 0;
    other |= !std::isalnum(c);
  }
  return int{lower} + int{upper} + int{digit} + int{other};
}

size_t bounded_run(std::string_view text, size_t at, bool (*in_set)(char), size_t limit) {
  size_t end = at;
  while (end < text.size() && end - at < limit && in_set(text[end])) ++end;
  return end - at;
}

bool is_ascii_digit(char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; }

std::string to_lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool is_placeholder(std::string_view value) {
  if (value.empty() || few_distinct_characters(value) || is_counting_run(value)) return true;
  if ((value.front() == '{' && value.back() == '}') || (value.front() == '[' && value.back() == ']')) return true;
  if (contains(value, "<") && contains(value, ">")) return true;  // <token>, sk-<key>
  std::string lowered = to_lower(value);
  static const std::array kWholeWords = {"none",  "null",   "nil",     "undefined", "true",   "false", "empty",
                                         "admin", "root",   "guest",   "default",   "secret", "token", "string",
                                         "value", "qwerty", "letmein", "hunter2",   "pass",   "passwd"};
  if (std::find(kWholeWords.begin(), kWholeWords.end(), lowered) != kWholeWords.end()) return true;
  return contains_any(
      lowered, {"xxxx",       "****",        "...",       "your",      "changeme", "change_me", "change-me", "changeit",
                "replace",    "placeholder", "example",   "dummy",     "sample",   "redacted",  "insert",    "todo",
                "fixme",      "password",    "passw0rd",  "secret",    "fake",     "test",      "demo",      "mytoken",
                "token_here", "token-here",  "goes-here", "goes_here", "notreal",  "not-real"});
}

bool is_reference(std::string_view value) {
  if (value.size() >= 2 && value[0] == '$' &&
      (std::isalpha(static_cast<unsigned char>(value[1])) || value[1] == '{' || value[1] == '(' || value[1] == '_')) {
    return true;
  }
  if (value.size() >= 3 && value.front() == '%' && value.back() == '%') return true;
  if (contains_any(value, {"${", "{{", "#{", "<%", "$("})) return true;
  if (starts_with_any(value,
                      {"!vault", "env:", "file:", "vault:", "op://", "sm://", "akv://", "ref+", "awssm:", "gcpsm:",
                       "arn:aws:secretsmanager:", "arn:aws:ssm:", "arn:aws:kms:", "secretsmanager:", "ENC["})) {
    return true;
  }
  if (value.starts_with("projects/") && contains(value, "/secrets/")) return true;  // Google Secret Manager
  if (contains(value, ".vault.azure.net/secrets/")) return true;                    // an Azure Key Vault secret URI
  return contains_any(value, {"process.env", "os.environ", "os.getenv", "getenv(", "ENV[", "ENV.fetch",
                              "Environment.GetEnvironmentVariable", "secretKeyRef", "import.meta.env"});
}

bool is_documented_example(std::string_view value) {
  // AWS's documentation keys (AKIAIOSFODNN7EXAMPLE, .../bPxRfiCYEXAMPLEKEY) and
  // others published the same way end in, or carry, EXAMPLE.
  if (contains(value, "EXAMPLE")) return true;
  static constexpr std::array kPublished = {
      // The Azure storage emulator's account key, the same on every machine.
      "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==",
      // The signature of jwt.io's sample token.
      "SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c",
      // Stripe's documentation test key.
      "sk_test_4eC39HqLyjWDarjtT1zdp7dc",
  };
  return std::any_of(kPublished.begin(), kPublished.end(), [&](const char* known) { return contains(value, known); });
}

bool is_not_a_secret(std::string_view value) {
  return is_reference(value) || is_documented_example(value) || is_placeholder(value);
}

std::optional<std::string> decode_base64(std::string_view text) {
  while (!text.empty() && text.back() == '=') text.remove_suffix(1);
  if (text.size() % 4 == 1) return std::nullopt;
  std::string out;
  out.reserve(text.size() * 3 / 4);
  unsigned bits = 0;
  int count = 0;
  for (char c : text) {
    int digit = base64_digit(c);
    if (digit < 0) return std::nullopt;
    bits = (bits << 6) | static_cast<unsigned>(digit);
    count += 6;
    if (count >= 8) {
      count -= 8;
      out += static_cast<char>((bits >> count) & 0xFF);
    }
  }
  return out;
}

}  // namespace corral::policy::secrets
