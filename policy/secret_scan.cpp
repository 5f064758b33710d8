#include "policy/secret_scan.h"

#include <algorithm>

#include "policy/secrets/connection_strings.h"
#include "policy/secrets/http_credentials.h"
#include "policy/secrets/key_blocks.h"
#include "policy/secrets/secret_assignments.h"
#include "policy/secrets/token_formats.h"

namespace corral::policy {

std::vector<SecretHit> find_secrets(const std::vector<std::string_view>& lines) {
  std::vector<SecretHit> hits;
  secrets::find_key_blocks(lines, hits);
  for (size_t index = 0; index < lines.size(); ++index) {
    std::vector<SecretHit> found;
    secrets::find_tokens(lines[index], found);
    secrets::find_connection_secrets(lines[index], found);
    secrets::find_http_credentials(lines[index], found);
    secrets::find_secret_assignments(lines[index], found);
    for (SecretHit& hit : found) {
      hit.line = index;
      hits.push_back(std::move(hit));
    }
  }
  // Two families can name the same place (a JWT given as a Bearer token and
  // assigned to TOKEN=): the first, most specific, is kept.
  std::stable_sort(hits.begin(), hits.end(), [](const SecretHit& a, const SecretHit& b) {
    return a.line != b.line ? a.line < b.line : a.column < b.column;
  });
  hits.erase(
      std::unique(hits.begin(), hits.end(),
                  [](const SecretHit& a, const SecretHit& b) { return a.line == b.line && a.column == b.column; }),
      hits.end());
  return hits;
}

std::vector<SecretHit> find_secrets(std::string_view line) { return find_secrets(std::vector<std::string_view>{line}); }

std::vector<SecretHit> find_secrets_in_text(std::string_view text) {
  std::vector<std::string_view> lines;
  for (size_t end = text.find('\n'); end != std::string_view::npos; end = text.find('\n')) {
    lines.push_back(text.substr(0, end));
    text.remove_prefix(end + 1);
  }
  lines.push_back(text);
  return find_secrets(lines);
}

}  // namespace corral::policy
