// Path patterns for repository files, the way owners write them in settings.
//
//   `*` any run of characters except '/', `?` one such character,
//   `**` any run of characters including '/' (`a/**` is everything under a/,
//   `**/x` is x at any depth, including the top).
//   A pattern without '/' matches a file name at any depth (`*.pem`, `.env`).
//   A pattern ending in '/' matches everything under that folder (`.claude/`).
//   Matching is case-sensitive and byte-wise, on repository-relative paths
//   with '/' separators.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace corral::policy {

bool glob_matches(std::string_view pattern, std::string_view path);

// The same wildcards, always against the whole text (for branch names:
// "main" must not match "feature/main").
bool glob_matches_whole(std::string_view pattern, std::string_view text);

// The first pattern in `patterns` that matches `path`, or nullptr.
const std::string* first_match(const std::vector<std::string>& patterns, std::string_view path);

}  // namespace corral::policy
