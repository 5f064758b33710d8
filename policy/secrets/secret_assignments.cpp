#include "policy/secrets/secret_assignments.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <string>

#include "policy/secrets/secret_values.h"

namespace corral::policy::secrets {
namespace {

enum class NameStrength { kNone, kKey, kSecret };

bool is_name_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.'; }

// "AWS_SECRET_ACCESS_KEY" -> aws secret access key; "clientSecret" -> client
// secret; "APIKey" -> api key.
std::vector<std::string> words_of(std::string_view name) {
  std::vector<std::string> words;
  std::string word;
  auto flush = [&] {
    if (!word.empty()) words.push_back(to_lower(word));
    word.clear();
  };
  for (size_t i = 0; i < name.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(name[i]);
    if (!std::isalnum(c)) {
      flush();
      continue;
    }
    bool upper = std::isupper(c) != 0;
    bool after_lower = i > 0 && std::islower(static_cast<unsigned char>(name[i - 1]));
    bool ends_acronym = i > 0 && std::isupper(static_cast<unsigned char>(name[i - 1])) && i + 1 < name.size() &&
                        std::islower(static_cast<unsigned char>(name[i + 1]));
    if (upper && (after_lower || ends_acronym)) flush();
    word += static_cast<char>(c);
  }
  flush();
  return words;
}

bool is_one_of(const std::string& word, std::initializer_list<std::string_view> set) {
  return std::find(set.begin(), set.end(), word) != set.end();
}

NameStrength name_strength(std::string_view name) {
  std::vector<std::string> words = words_of(name);
  // Qualifiers after the word that matters: DB_PASSWORD_PROD, API_TOKEN_VALUE.
  while (words.size() > 1 &&
         (is_one_of(words.back(),
                    {"prod",    "production", "dev", "development", "stage", "staging", "test", "live", "local",
                     "value",   "val",        "raw", "plain",       "b64",   "base64",  "new",  "old",  "current",
                     "primary", "secondary",  "str", "string",      "v1",    "v2",      "v3"}) ||
          std::all_of(words.back().begin(), words.back().end(), is_ascii_digit))) {
    words.pop_back();
  }
  if (words.empty()) return NameStrength::kNone;
  const std::string& last = words.back();
  const std::string before = words.size() > 1 ? words[words.size() - 2] : "";
  if (is_one_of(before, {"csrf", "xsrf", "page", "next", "pagination", "continuation", "cancellation", "cancel", "sync",
                         "resume", "lexer", "parser", "eof", "public", "publishable", "pub", "site"})) {
    return NameStrength::kNone;
  }
  if (is_one_of(last, {"pass", "pwd", "creds", "passcode"})) return NameStrength::kSecret;
  for (std::string_view ending : {"password", "passwd", "secret", "token", "passphrase", "credential", "credentials",
                                  "apikey", "secretkey", "privatekey", "accesskey", "authkey"}) {
    if (last.ends_with(ending) && last != "csrftoken" && last != "xsrftoken") return NameStrength::kSecret;
  }
  if (last != "key" && last != "keys") return NameStrength::kNone;
  if (is_one_of(before, {"api",     "secret",  "access", "private", "signing", "sign",   "encryption",
                         "encrypt", "master",  "auth",   "app",     "account", "client", "service",
                         "license", "webhook", "hmac",   "jwt",     "session", "crypto", "cipher",
                         "aes",     "shared",  "admin",  "write",   "root",    "deploy", "subscription"})) {
    return NameStrength::kSecret;
  }
  if (is_one_of(before,
                {"primary", "foreign",   "sort",     "partition", "cache",   "hash",        "range",   "idempotency",
                 "lookup",  "map",       "row",      "object",    "i18n",    "translation", "unique",  "composite",
                 "natural", "surrogate", "shard",    "routing",   "dedup",   "group",       "query",   "list",
                 "index",   "react",     "sequence", "schema",    "bucket",  "s3",          "file",    "path",
                 "node",    "element",   "dict",     "column",    "table",   "field",       "message", "event",
                 "state",   "context",   "metadata", "lock",      "storage", "registry",    "redis",   "menu",
                 "hot",     "short",     "shortcut", "keyboard",  "sorting", "dictionary",  "json",    "yaml"})) {
    return NameStrength::kNone;
  }
  return NameStrength::kKey;
}

// Code, not a literal: a name or a dotted path (`settings.DB_PASSWORD`), as
// the value of an unquoted assignment.
bool is_code(std::string_view value) {
  return std::all_of(value.begin(), value.end(), [](char c) {
    return std::isalpha(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '-';
  });
}

bool is_secret_value(std::string_view value, bool literal, NameStrength strength) {
  if (value.empty() || (!literal && is_code(value))) return false;
  if (std::any_of(value.begin(), value.end(), [](char c) { return std::isspace(static_cast<unsigned char>(c)); })) {
    return false;
  }
  if (std::all_of(value.begin(), value.end(), is_ascii_digit)) return false;
  if (value.starts_with("http://") || value.starts_with("https://") || value.starts_with('/') ||
      value.starts_with("./") || value.starts_with("~/")) {
    return false;  // a URL or a path; passwords inside URLs are the connection-string rule's
  }
  if (is_not_a_secret(value)) return false;
  double entropy = shannon_entropy(value);
  int classes = character_classes(value);
  if (strength == NameStrength::kSecret) {
    return (value.size() >= 8 && entropy >= 2.5) || (value.size() >= 6 && classes >= 3);
  }
  return value.size() >= 20 && entropy >= 3.5 && classes >= 2;
}

// Values are read this far at most, so a hostile line costs linear time.
constexpr size_t kLongestValue = 256;

struct Value {
  std::string_view text;
  size_t at = 0;
  size_t end = 0;  // just past the value (and its closing quote)
  bool quoted = false;
  bool call = false;  // followed by '(': get_password()
};

bool ends_unquoted(char c) {
  return std::isspace(static_cast<unsigned char>(c)) || c == ';' || c == ',' || c == '&' || c == ')' || c == ']' ||
         c == '}' || c == '"' || c == '\'' || c == '<' || c == '(';
}

Value value_at(std::string_view line, size_t at) {
  while (at < line.size() && (line[at] == ' ' || line[at] == '\t')) ++at;
  Value value;
  if (at < line.size() && (line[at] == '"' || line[at] == '\'' || line[at] == '`')) {
    char quote = line[at];
    size_t end = at + 1;
    while (end < line.size() && end - at < kLongestValue && line[end] != quote) end += line[end] == '\\' ? 2 : 1;
    if (end < line.size() && line[end] == quote)
      return {line.substr(at + 1, end - at - 1), at + 1, end + 1, true, false};
  }
  size_t end = at;
  while (end < line.size() && end - at < kLongestValue && !ends_unquoted(line[end])) ++end;
  value.text = line.substr(at, end - at);
  value.at = at;
  value.end = end;
  value.call = end < line.size() && line[end] == '(';
  return value;
}

// The name that ends just before `end` (quotes and spaces skipped).
std::string_view name_before(std::string_view line, size_t end) {
  while (end > 0 && (line[end - 1] == ' ' || line[end - 1] == '\t' || line[end - 1] == '"' || line[end - 1] == '\'')) {
    --end;
  }
  size_t start = end;
  while (start > 0 && end - start < 128 && is_name_char(line[start - 1])) --start;
  return line.substr(start, end - start);
}

// The name is weighed before its value is read: most names say nothing.
// Returns where the value read ends (`value_start` when none was read).
size_t report(std::string_view name, std::string_view line, size_t value_start, std::vector<SecretHit>& hits) {
  NameStrength strength = name_strength(name);
  if (strength == NameStrength::kNone) return value_start;
  Value value = value_at(line, value_start);
  // In an env file or a shell (NAME=value, NAME upper case, no spaces) an
  // unquoted value is a literal; in code it may be a variable.
  bool env_style =
      value_start > 0 && line[value_start - 1] == '=' && value_start == value.at && !name.empty() &&
      line.compare(value_start - 1 - name.size(), name.size(), name) == 0 &&
      std::none_of(name.begin(), name.end(), [](char c) { return std::islower(static_cast<unsigned char>(c)); });
  if (!value.call && is_secret_value(value.text, value.quoted || env_style, strength)) {
    hits.push_back({"secret_assignment", 0, value.at + 1});
  }
  return value.end;
}

bool is_quote(char c) { return c == '"' || c == '\'' || c == '`'; }

// NAME = value, NAME: value, NAME := value, NAME => value, "NAME": "value",
// and a quoted name then a quoted value: define('NAME', 'value').
void find_operator_assignments(std::string_view line, std::vector<SecretHit>& hits) {
  size_t read_to = 0;  // an operator inside a value already read is part of it: PASSWORD=a=b
  for (size_t op = line.find_first_of("=:,"); op != std::string_view::npos; op = line.find_first_of("=:,", op + 1)) {
    if (op < read_to) continue;
    char before = op > 0 ? line[op - 1] : ' ';
    char after = op + 1 < line.size() ? line[op + 1] : ' ';
    if (line[op] == ',') {
      size_t next = line.find_first_not_of(' ', op + 1);
      if (!is_quote(before) || next == std::string_view::npos || !is_quote(line[next])) continue;
    }
    // YAML and JSON put a space or a quote after the colon, or quote the
    // name; "secret:prod/db" inside an ARN or user:password is no assignment.
    if (line[op] == ':' && !std::isspace(static_cast<unsigned char>(after)) && !is_quote(after) && !is_quote(before)) {
      continue;
    }
    if (line[op] == '=' && (after == '=' || before == '=' || before == '!' || before == '<' || before == '>')) {
      continue;  // a comparison
    }
    size_t name_end = op;
    if (line[op] == '=' && (before == ':' || before == '?' || before == '+' || before == '|')) --name_end;
    size_t value_start = op + 1;
    if (line[op] == ':' && after == '=') ++value_start;  // :=
    if (line[op] == '=' && after == '>') ++value_start;  // =>
    read_to = report(name_before(line, name_end), line, value_start, hits);
  }
}

// --password VALUE (a space, not '=': '=' is an operator above).
void find_flag_values(std::string_view line, std::vector<SecretHit>& hits) {
  for (size_t at = line.find("--"); at != std::string_view::npos; at = line.find("--", at + 2)) {
    size_t end = at + 2;
    while (end < line.size() && end - at < 64 && is_name_char(line[end])) ++end;
    if (end >= line.size() || line[end] != ' ') continue;
    if (end + 1 < line.size() && line[end + 1] == '-') continue;  // the next flag
    report(line.substr(at + 2, end - at - 2), line, end + 1, hits);
  }
}

// <password>value</password> and <add key="Password" value="value" />.
void find_markup_values(std::string_view line, std::vector<SecretHit>& hits) {
  for (size_t close = line.find("</"); close != std::string_view::npos; close = line.find("</", close + 2)) {
    size_t name_end = close + 2;
    while (name_end < line.size() && name_end - close < 66 && is_name_char(line[name_end])) ++name_end;
    std::string_view name = line.substr(close + 2, name_end - close - 2);
    NameStrength strength = name_strength(name);
    if (strength == NameStrength::kNone) continue;
    std::string opening = "<" + std::string(name) + ">";
    size_t window = close > kLongestValue + opening.size() ? close - kLongestValue - opening.size() : 0;
    size_t open = line.substr(window, close - window).rfind(opening);
    if (name.empty() || open == std::string_view::npos) continue;
    size_t text_at = window + open + opening.size();
    std::string_view text = line.substr(text_at, close - text_at);
    if (strength != NameStrength::kNone && is_secret_value(text, true, strength)) {
      hits.push_back({"secret_assignment", 0, text_at + 1});
    }
  }
  for (size_t key = line.find("key=\""); key != std::string_view::npos; key = line.find("key=\"", key + 5)) {
    std::string_view rest = line.substr(key + 5, 128);
    size_t name_end = rest.find('"');
    if (name_end == std::string_view::npos || name_strength(rest.substr(0, name_end)) == NameStrength::kNone) continue;
    size_t value = rest.substr(name_end, 16).find("value=");
    if (value == std::string_view::npos) continue;
    report(rest.substr(0, name_end), line, key + 5 + name_end + value + 6, hits);
  }
}

}  // namespace

void find_secret_assignments(std::string_view line, std::vector<SecretHit>& hits) {
  find_operator_assignments(line, hits);
  find_flag_values(line, hits);
  find_markup_values(line, hits);
}

}  // namespace corral::policy::secrets
