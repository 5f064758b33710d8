#include "policy/secrets/connection_strings.h"

#include <array>
#include <cctype>

#include "policy/secrets/secret_values.h"

namespace corral::policy::secrets {
namespace {

bool ends_value(char c) {
  return std::isspace(static_cast<unsigned char>(c)) || c == '"' || c == '\'' || c == '`' || c == '<' || c == '>';
}

bool is_scheme_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '.' || c == '-'; }

// scheme://user:password@host…: the password is what lies between the first
// ':' of the userinfo and the last '@' before the path (a '/' in a password
// must be percent-encoded, so the authority ends at the first '/').
void find_url_passwords(std::string_view line, std::vector<SecretHit>& hits) {
  for (size_t slashes = line.find("://"); slashes != std::string_view::npos; slashes = line.find("://", slashes + 3)) {
    if (slashes == 0 || !is_scheme_char(line[slashes - 1])) continue;
    size_t start = slashes + 3;
    size_t end = start;
    while (end < line.size() && !ends_value(line[end]) && line[end] != '/') ++end;
    std::string_view authority = line.substr(start, end - start);
    size_t at = authority.rfind('@');
    if (at == std::string_view::npos) continue;
    std::string_view userinfo = authority.substr(0, at);
    size_t colon = userinfo.find(':');
    if (colon == std::string_view::npos) continue;
    std::string_view user = userinfo.substr(0, colon);
    std::string_view password = userinfo.substr(colon + 1);
    // The same word twice is a local default (postgres:postgres, root:root).
    if (password.empty() || password == user || is_not_a_secret(password)) continue;
    if (password.starts_with('%')) continue;  // a format string: "%s:%s@%s"
    hits.push_back({"url_credentials", 0, start + colon + 2});
  }
}

// The value of `key=value` pairs inside a connection string.
struct PairRule {
  const char* key;  // lower case, without '='
  const char* rule;
  size_t min_length;
};
constexpr std::array kPairs = {
    PairRule{"password", "connection_string_password", 1},      PairRule{"pwd", "connection_string_password", 1},
    PairRule{"passwd", "connection_string_password", 1},        PairRule{"accountkey", "azure_storage_key", 40},
    PairRule{"sharedaccesskey", "azure_shared_access_key", 30},
};

// key=value; pairs in ADO.NET, ODBC, JDBC (`;password=`, `?password=`,
// `&password=`) and Azure strings. The key must start a pair.
void find_pair_secrets(std::string_view line, std::vector<SecretHit>& hits) {
  std::string lowered = to_lower(line);
  for (const PairRule& pair : kPairs) {
    std::string key = std::string(pair.key) + "=";
    for (size_t at = lowered.find(key); at != std::string::npos; at = lowered.find(key, at + 1)) {
      char before = at == 0 ? ' ' : line[at - 1];
      if (before != ';' && before != '?' && before != '&' && before != '"' && before != '\'' && before != ' ') {
        continue;
      }
      size_t start = at + key.size();
      size_t end = start;
      while (end < line.size() && end - start < 1024 && line[end] != ';' && line[end] != '&' &&
             !ends_value(line[end])) {
        ++end;
      }
      std::string_view value = line.substr(start, end - start);
      if (value.size() < pair.min_length || is_not_a_secret(value) || value.starts_with('%')) continue;
      // `password=` inside a URL's query or a pair list; a lone `password=x` in
      // code is an assignment, read by the assignment rule instead.
      bool in_connection_string = before != ' ' && before != '"' && before != '\'';
      bool listed = line.find(';') != std::string_view::npos;
      if (!in_connection_string && !listed) continue;
      hits.push_back({pair.rule, 0, start + 1});
    }
  }
}

}  // namespace

void find_connection_secrets(std::string_view line, std::vector<SecretHit>& hits) {
  find_url_passwords(line, hits);
  find_pair_secrets(line, hits);
}

}  // namespace corral::policy::secrets
