#include "policy/secret_scan.h"

#include <array>
#include <cctype>
#include <cmath>

namespace corral::policy {
namespace {

enum class Charset { kUpperDigits, kAlnum, kAlnumUnderscore, kToken };

bool in_charset(char c, Charset charset) {
  unsigned char u = static_cast<unsigned char>(c);
  switch (charset) {
    case Charset::kUpperDigits:
      return std::isupper(u) || std::isdigit(u);
    case Charset::kAlnum:
      return std::isalnum(u);
    case Charset::kAlnumUnderscore:
      return std::isalnum(u) || c == '_';
    case Charset::kToken:
      return std::isalnum(u) || c == '_' || c == '-';
  }
  return false;
}

// A token format: a fixed prefix, then `min_length`..`max_length` characters
// of one set (the formats' documented shapes).
struct TokenRule {
  const char* name;
  const char* prefix;
  Charset charset;
  size_t min_length;
  size_t max_length;
};

// Longer prefixes first, so "sk-ant-" is named before "sk-".
constexpr std::array kTokenRules = {
    TokenRule{"github_token", "github_pat_", Charset::kAlnumUnderscore, 22, 255},
    TokenRule{"anthropic_key", "sk-ant-", Charset::kToken, 20, 255},
    TokenRule{"openai_key", "sk-proj-", Charset::kToken, 20, 255},
    TokenRule{"stripe_secret_key", "sk_live_", Charset::kAlnum, 16, 255},
    TokenRule{"stripe_secret_key", "rk_live_", Charset::kAlnum, 16, 255},
    TokenRule{"gitlab_token", "glpat-", Charset::kToken, 20, 255},
    TokenRule{"github_token", "ghp_", Charset::kAlnum, 36, 255},
    TokenRule{"github_token", "gho_", Charset::kAlnum, 36, 255},
    TokenRule{"github_token", "ghu_", Charset::kAlnum, 36, 255},
    TokenRule{"github_token", "ghs_", Charset::kAlnum, 36, 255},
    TokenRule{"github_token", "ghr_", Charset::kAlnum, 36, 255},
    TokenRule{"slack_token", "xoxb-", Charset::kToken, 10, 255},
    TokenRule{"slack_token", "xoxp-", Charset::kToken, 10, 255},
    TokenRule{"slack_token", "xoxa-", Charset::kToken, 10, 255},
    TokenRule{"slack_token", "xoxr-", Charset::kToken, 10, 255},
    TokenRule{"npm_token", "npm_", Charset::kAlnum, 36, 36},
    TokenRule{"google_api_key", "AIza", Charset::kToken, 35, 35},
    TokenRule{"aws_access_key_id", "AKIA", Charset::kUpperDigits, 16, 16},
    TokenRule{"aws_access_key_id", "ASIA", Charset::kUpperDigits, 16, 16},
    TokenRule{"openai_key", "sk-", Charset::kToken, 32, 255},
};

bool is_word(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-'; }

// The token rule that matches at `at`, if any.
const TokenRule* token_at(std::string_view line, size_t at) {
  if (at > 0 && is_word(line[at - 1])) return nullptr;
  for (const TokenRule& rule : kTokenRules) {
    std::string_view prefix(rule.prefix);
    if (line.compare(at, prefix.size(), prefix) != 0) continue;
    size_t end = at + prefix.size();
    while (end < line.size() && in_charset(line[end], rule.charset)) ++end;
    size_t length = end - at - prefix.size();
    if (length >= rule.min_length && length <= rule.max_length) return &rule;
  }
  return nullptr;
}

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool names_a_secret(std::string_view name) {
  static constexpr std::array kWords = {"secret",     "token",    "password",     "passwd",
                                        "apikey",     "api_key",  "access_key",   "private_key",
                                        "credential", "auth_key", "client_secret"};
  std::string lowered = lower(name);
  for (const char* word : kWords) {
    if (lowered.find(word) != std::string::npos) return true;
  }
  return false;
}

bool is_value_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '/' || c == '=' || c == '_' || c == '-' ||
         c == '.';
}

// `NAME = "value"` / `NAME: value` where NAME says secret and the value is a
// long, random-looking literal (not a reference like ${VAR} or a call).
void find_assignments(std::string_view line, std::vector<SecretHit>& hits) {
  for (size_t op = line.find_first_of("=:"); op != std::string_view::npos; op = line.find_first_of("=:", op + 1)) {
    size_t name_end = op;
    while (name_end > 0 && (line[name_end - 1] == ' ' || line[name_end - 1] == '"' || line[name_end - 1] == '\'')) {
      --name_end;
    }
    size_t name_start = name_end;
    while (name_start > 0 && (is_word(line[name_start - 1]) || line[name_start - 1] == '.')) --name_start;
    if (name_start == name_end || !names_a_secret(line.substr(name_start, name_end - name_start))) continue;
    size_t value = op + 1;
    if (value < line.size() && line[value] == '=') ++value;  // `==` is a comparison, `:=` handled by ':' then '='
    while (value < line.size() && (line[value] == ' ' || line[value] == '=')) ++value;
    char quote = value < line.size() && (line[value] == '"' || line[value] == '\'') ? line[value] : 0;
    if (quote) ++value;
    size_t end = value;
    while (end < line.size() && is_value_char(line[end])) ++end;
    bool delimited = end == line.size() || line[end] == quote || line[end] == ' ' || line[end] == ',' ||
                     line[end] == ';' || (!quote && line[end] == '\r');
    std::string_view literal = line.substr(value, end - value);
    if (delimited && literal.size() >= 16 && shannon_entropy(literal) >= 3.5) {
      hits.push_back({"high_entropy_assignment", value + 1});
      return;
    }
  }
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

std::vector<SecretHit> find_secrets(std::string_view line) {
  std::vector<SecretHit> hits;
  size_t key = line.find("-----BEGIN ");
  if (key != std::string_view::npos && line.find("PRIVATE KEY-----", key) != std::string_view::npos) {
    hits.push_back({"private_key", key + 1});
  }
  for (size_t at = 0; at < line.size(); ++at) {
    if (const TokenRule* rule = token_at(line, at)) {
      hits.push_back({rule->name, at + 1});
      while (at < line.size() && is_word(line[at])) ++at;
    }
  }
  if (hits.empty()) find_assignments(line, hits);
  return hits;
}

}  // namespace corral::policy
