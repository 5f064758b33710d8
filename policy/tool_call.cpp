#include "policy/tool_call.h"

#include <algorithm>
#include <array>

#include "policy/command_rules.h"

namespace corral::policy {
namespace {

// Claude Code's, Gemini CLI's (read_file, write_file, replace, list_directory,
// glob, grep_search, run_shell_command) and generic names.
constexpr std::array kKnownTools = {"Read", "Write", "Edit", "MultiEdit", "NotebookEdit", "Glob", "Grep", "LS", "Bash",
                                    "WebFetch", "read_file", "write_file", "edit_file", "list_dir", "shell", "bash",
                                    "fetch", "replace", "list_directory", "glob", "grep_search", "run_shell_command"};
constexpr std::array kPathKeys = {"path", "file_path", "notebook_path", "directory", "dir_path"};
constexpr std::array kCommandKeys = {"command", "cmd"};
constexpr std::array kUrlKeys = {"url"};

template <size_t N>
bool one_of(const std::string& key, const std::array<const char*, N>& keys) {
  return std::any_of(keys.begin(), keys.end(), [&](const char* known) { return key == known; });
}

// The argument a tool acts on, which it must name: a call without it cannot
// be checked, so it is not let through unchecked. (Glob, Grep and LS default
// to the working directory, the workspace.)
const char* required_kind(const std::string& tool) {
  constexpr std::array kPathTools = {"Read", "Write", "Edit", "MultiEdit", "NotebookEdit", "read_file", "write_file",
                                     "edit_file", "replace"};
  constexpr std::array kCommandTools = {"Bash", "shell", "bash", "run_shell_command"};
  constexpr std::array kUrlTools = {"WebFetch", "fetch"};
  if (one_of(tool, kPathTools)) return "path";
  if (one_of(tool, kCommandTools)) return "command";
  if (one_of(tool, kUrlTools)) return "url";
  return nullptr;
}

bool names(const std::map<std::string, std::string>& arguments, const std::string& kind) {
  return std::any_of(arguments.begin(), arguments.end(), [&](const auto& argument) {
    const std::string& key = argument.first;
    return kind == "path" ? one_of(key, kPathKeys) : kind == "command" ? one_of(key, kCommandKeys) : one_of(key, kUrlKeys);
  });
}

}  // namespace

ToolCallDecision check_tool_call(const std::string& tool, const std::map<std::string, std::string>& arguments,
                                 const ToolPolicy& policy) {
  if (!one_of(tool, kKnownTools)) {
    return {fired(policy.enforcement, "unknown_tool", "'" + tool + "' is not a tool corral knows how to check"), ""};
  }
  if (const char* kind = required_kind(tool); kind && !names(arguments, kind)) {
    return {fired(policy.enforcement, "missing_argument", "'" + tool + "' names no " + kind + " to check"), ""};
  }
  ToolCallDecision strictest;
  for (const auto& [key, value] : arguments) {
    ToolDecision decision;
    if (one_of(key, kPathKeys)) decision = check_path(value, policy.paths);
    else if (one_of(key, kCommandKeys)) decision = check_command(value, policy.enforcement);
    else if (one_of(key, kUrlKeys)) decision = check_url(value, policy.urls).decision;
    else continue;
    if (strictest.argument.empty() || decision.verdict > strictest.decision.verdict) strictest = {decision, key};
  }
  return strictest;
}

}  // namespace corral::policy
