// Paths a tool call names (read, write, edit, list...), confined to the
// workspace. The model writes these arguments, so every encoding an attacker
// would try is undone before the check: percent and double-percent encoding,
// overlong UTF-8 (%c0%ae is '.'), backslashes, NUL bytes, '~', absolute
// paths, '..' in every position; and, at the moment of use, no symlink on
// the way may lead out. Sensitive files (keys, credential stores, env files,
// cloud and registry configs) are a rule of their own, extendable by owners.
// Pure: the file system is asked only through the injected `read_link`.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "policy/sensitive_files.h"
#include "policy/tool_verdict.h"

namespace corral::policy {

struct PathPolicy {
  std::string workspace = "/workspace";  // where the agent's worktree is mounted
  Enforcement enforcement = Enforcement::kBlock;
  std::vector<std::string> sensitive_patterns = default_sensitive_patterns();  // owners may add (path_glob)
  // The target of the symlink at a workspace-relative path, or nullopt if it
  // is not a symlink (or does not exist). Unset: no symlink check.
  std::function<std::optional<std::string>(const std::string& relative)> read_link;
};

// Rules: nul_byte, excessive_encoding, invalid_utf8, the spelling rules of
// path_spelling.h (look-alike, invisible and control characters, shell
// syntax, URL schemes, drive letters, UNC paths, length and depth),
// home_expansion, outside_workspace, symlink_escape, sensitive_file.
// `normalized` is the workspace-relative path ("" for the workspace itself).
ToolDecision check_path(std::string_view raw, const PathPolicy& policy);

}  // namespace corral::policy
