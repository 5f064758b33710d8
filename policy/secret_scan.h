// Finds credentials in one line of text: the common token and key formats
// (by their documented prefixes and lengths) and, for values assigned to
// names that say "secret", a high-entropy rule. Pure; no regex engine, so a
// hostile 10 MB line costs linear time and no stack.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace corral::policy {

struct SecretHit {
  std::string rule;   // e.g. "github_token", "private_key", "high_entropy_assignment"
  size_t column = 0;  // 1-based byte offset of the match in the line
};

std::vector<SecretHit> find_secrets(std::string_view line);

// Shannon entropy of `text` in bits per byte (0 for empty text).
double shannon_entropy(std::string_view text);

}  // namespace corral::policy
