#include "policy/secrets/http_credentials.h"

#include <cctype>

#include "policy/secrets/secret_values.h"

namespace corral::policy::secrets {
namespace {

bool is_base64_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '/' || c == '=' || c == '-' || c == '_';
}

bool is_bearer_char(char c) { return is_base64_char(c) || c == '.' || c == '~'; }

// "user:password" with a password that is one.
bool is_user_and_password(std::string_view pair) {
  size_t colon = pair.find(':');
  if (colon == std::string_view::npos || colon == 0) return false;
  std::string_view user = pair.substr(0, colon);
  std::string_view password = pair.substr(colon + 1);
  for (char c : pair) {
    if (!std::isprint(static_cast<unsigned char>(c))) return false;
  }
  return !password.empty() && password != user && !is_not_a_secret(password);
}

bool decodes_to_user_and_password(std::string_view encoded) {
  auto decoded = decode_base64(encoded);
  return decoded && is_user_and_password(*decoded);
}

// Case-insensitive find of a lower-case `word` in `lowered` (the line lowered once).
void find_basic_and_bearer(std::string_view line, const std::string& lowered, std::vector<SecretHit>& hits) {
  for (size_t at = lowered.find("basic "); at != std::string::npos; at = lowered.find("basic ", at + 1)) {
    size_t start = at + 6;
    size_t length = bounded_run(line, start, is_base64_char, 1024);
    if (length >= 8 && decodes_to_user_and_password(line.substr(start, length))) {
      hits.push_back({"basic_auth", 0, start + 1});
    }
  }
  for (size_t at = lowered.find("bearer "); at != std::string::npos; at = lowered.find("bearer ", at + 1)) {
    size_t start = at + 7;
    size_t length = bounded_run(line, start, is_bearer_char, 4096);
    std::string_view token = line.substr(start, length);
    bool followed_by_reference =
        start + length < line.size() && (line[start + length] == '$' || line[start + length] == '{');
    if (length >= 20 && !followed_by_reference && !is_not_a_secret(token) && character_classes(token) >= 2 &&
        shannon_entropy(token) >= 3.5) {
      hits.push_back({"bearer_token", 0, start + 1});
    }
  }
}

// The argument after `flag` in a curl command, unquoted.
std::string_view argument_after(std::string_view line, size_t flag_end) {
  size_t start = flag_end;
  if (start < line.size() && line[start] == '=') ++start;
  while (start < line.size() && line[start] == ' ') ++start;
  if (start >= line.size()) return {};
  char quote = line[start] == '"' || line[start] == '\'' ? line[start] : 0;
  if (quote) {
    size_t end = line.find(quote, start + 1);
    return end == std::string_view::npos ? std::string_view{} : line.substr(start + 1, end - start - 1);
  }
  size_t end = line.find_first_of(" \t;|&)", start);
  return line.substr(start, (end == std::string_view::npos ? line.size() : end) - start);
}

void find_curl_user(std::string_view line, std::vector<SecretHit>& hits) {
  size_t curl = line.find("curl ");
  if (curl == std::string_view::npos) return;
  for (std::string_view flag : {" -u", " --user"}) {
    for (size_t at = line.find(flag, curl); at != std::string_view::npos; at = line.find(flag, at + 1)) {
      size_t flag_end = at + flag.size();
      // "--user-agent" is another flag; "-uname:pass" is curl's short form.
      if (flag == " --user" && flag_end < line.size() && line[flag_end] != ' ' && line[flag_end] != '=') continue;
      std::string_view value = argument_after(line, flag_end);
      if (is_user_and_password(value)) hits.push_back({"curl_user_password", 0, flag_end + 1});
    }
  }
}

// Docker's config.json: "auths": {"registry": {"auth": "<base64 user:password>"}}.
void find_docker_auth(std::string_view line, std::vector<SecretHit>& hits) {
  static constexpr std::string_view kField = "\"auth\"";
  for (size_t at = line.find(kField); at != std::string_view::npos; at = line.find(kField, at + 1)) {
    size_t colon = line.find_first_not_of(" \t", at + kField.size());
    if (colon == std::string_view::npos || line[colon] != ':') continue;
    size_t quote = line.find_first_not_of(" \t", colon + 1);
    if (quote == std::string_view::npos || line[quote] != '"') continue;
    size_t length = bounded_run(line, quote + 1, is_base64_char, 4096);
    if (length >= 8 && decodes_to_user_and_password(line.substr(quote + 1, length))) {
      hits.push_back({"docker_config_auth", 0, quote + 2});
    }
  }
}

}  // namespace

void find_http_credentials(std::string_view line, std::vector<SecretHit>& hits) {
  std::string lowered = to_lower(line);
  find_basic_and_bearer(line, lowered, hits);
  find_curl_user(line, hits);
  find_docker_auth(line, hits);
}

}  // namespace corral::policy::secrets
