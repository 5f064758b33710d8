// Finds credentials in added text, by family (each in policy/secrets/):
//   token_formats       providers' documented token shapes, chat webhooks,
//                       Telegram bot tokens, JWTs
//   key_blocks          private keys of every kind, also base64-wrapped and
//                       JSON-escaped
//   connection_strings  passwords in URLs and connection strings
//   http_credentials    Basic and Bearer authorization, curl -u, Docker auths
//   secret_assignments  literals given to names that say secret
// and leaves alone what only looks like one (secrets/secret_values.h):
// placeholders, references to secret stores, vendors' documented examples.
// Pure; no regex engine, so a hostile 10 MB line costs linear time and no
// stack.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace corral::policy {

struct SecretHit {
  std::string rule;   // e.g. "github_token", "private_key", "url_credentials"
  size_t line = 0;    // 0-based index into the lines scanned
  size_t column = 0;  // 1-based byte offset of the match in its line
};

// The credentials in consecutive lines (a file's added lines): a private
// key's marker is read with the lines after it. One hit per place.
std::vector<SecretHit> find_secrets(const std::vector<std::string_view>& lines);

// The credentials in one line.
std::vector<SecretHit> find_secrets(std::string_view line);

// The credentials in a text of lines separated by '\n' (hits index its lines).
std::vector<SecretHit> find_secrets_in_text(std::string_view text);

}  // namespace corral::policy
