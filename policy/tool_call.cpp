#include "policy/tool_call.h"

#include <algorithm>
#include <array>
#include <string_view>
#include <vector>

#include "policy/command_rules.h"

namespace corral::policy {
namespace {

// Claude Code's, Gemini CLI's (read_file, write_file, replace, list_directory,
// glob, grep_search, run_shell_command) and generic names.
constexpr std::array kKnownTools = {"Read",           "Write",
                                    "Edit",           "MultiEdit",
                                    "NotebookEdit",   "Glob",
                                    "Grep",           "LS",
                                    "Bash",           "WebFetch",
                                    "read_file",      "write_file",
                                    "edit_file",      "list_dir",
                                    "shell",          "bash",
                                    "fetch",          "replace",
                                    "list_directory", "glob",
                                    "grep_search",    "run_shell_command",
                                    "apply_patch"};
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
  constexpr std::array kPathTools = {"Read",      "Write",      "Edit",      "MultiEdit", "NotebookEdit",
                                     "read_file", "write_file", "edit_file", "replace"};
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
    return kind == "path"      ? one_of(key, kPathKeys)
           : kind == "command" ? one_of(key, kCommandKeys)
                               : one_of(key, kUrlKeys);
  });
}

// The files a Codex patch touches: the path after each "*** Add File: ",
// "*** Update File: ", "*** Delete File: " and "*** Move to: " header.
std::vector<std::string> patch_paths(const std::string& patch) {
  constexpr std::array kHeaders = {"*** Add File: ", "*** Update File: ", "*** Delete File: ", "*** Move to: "};
  std::vector<std::string> paths;
  size_t start = 0;
  while (start < patch.size()) {
    size_t end = patch.find('\n', start);
    std::string line = patch.substr(start, end == std::string::npos ? std::string::npos : end - start);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    for (const char* header : kHeaders) {
      if (line.rfind(header, 0) == 0) paths.push_back(line.substr(std::string_view(header).size()));
    }
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return paths;
}

// Codex's apply_patch: the patch text (in "command", "patch" or "input") is
// not a shell command; each file it names is a path to check.
ToolCallDecision check_patch(const std::map<std::string, std::string>& arguments, const ToolPolicy& policy) {
  std::string patch;
  for (const char* key : {"command", "patch", "input"}) {
    auto it = arguments.find(key);
    if (it != arguments.end()) patch = it->second;
  }
  std::vector<std::string> paths = patch_paths(patch);
  if (paths.empty()) return {fired(policy.enforcement, "missing_argument", "the patch names no file to check"), ""};
  ToolCallDecision strictest;
  for (const std::string& path : paths) {
    ToolDecision decision = check_path(path, policy.paths);
    if (strictest.argument.empty() || decision.verdict > strictest.decision.verdict) strictest = {decision, "patch"};
  }
  return strictest;
}

// A shell command naming a sensitive file (`cat .env`, `cp id_rsa x`,
// `source .envrc`, `--env-file=.env`, `< .env`, `cat ../.env` from a
// subfolder) meets the sensitive-file rule a Read of it would: by its path in
// the workspace, or, since the command's folder is not followed, by its name.
// Only that rule: a command may name paths outside the workspace (`ls /tmp`)
// without leaving it, and the sandbox, not this reading of the command, is
// the boundary. Words that are only printed (echo, printf) name nothing.
ToolDecision sensitive_file_in_command(const std::string& command, const PathPolicy& policy) {
  for (const std::vector<std::string>& words : split_commands(command)) {
    if (words.empty() || words[0] == "echo" || words[0] == "printf") continue;
    for (size_t i = 1; i < words.size(); ++i) {
      std::string word = words[i];
      word.erase(0, word.find_first_not_of("0123456789<>&|"));  // a redirection's operator
      if (size_t equals = word.find('='); equals != std::string::npos) word.erase(0, equals + 1);
      if (word.empty() || word[0] == '-') continue;
      std::string name = word.substr(word.rfind('/') + 1);  // npos + 1 == 0
      for (const std::string& path : {word, name}) {
        if (path.empty() || path == "." || path == "..") continue;
        ToolDecision decision = check_path(path, policy);
        if (decision.rule == "sensitive_file") return decision;
      }
    }
  }
  return {};
}

}  // namespace

ToolCallDecision check_tool_call(const std::string& tool, const std::map<std::string, std::string>& arguments,
                                 const ToolPolicy& policy) {
  if (!one_of(tool, kKnownTools)) {
    return {fired(policy.enforcement, "unknown_tool", "'" + tool + "' is not a tool corral knows how to check"), ""};
  }
  if (tool == "apply_patch") return check_patch(arguments, policy);
  if (const char* kind = required_kind(tool); kind && !names(arguments, kind)) {
    return {fired(policy.enforcement, "missing_argument", "'" + tool + "' names no " + kind + " to check"), ""};
  }
  ToolCallDecision strictest;
  for (const auto& [key, value] : arguments) {
    ToolDecision decision;
    if (one_of(key, kPathKeys)) {
      decision = check_path(value, policy.paths);
    } else if (one_of(key, kCommandKeys)) {
      decision = check_command(value, policy.enforcement);
      ToolDecision reads = sensitive_file_in_command(value, policy.paths);
      if (reads.verdict > decision.verdict) decision = reads;
    } else if (one_of(key, kUrlKeys)) {
      decision = check_url(value, policy.urls).decision;
    } else {
      continue;
    }
    if (strictest.argument.empty() || decision.verdict > strictest.decision.verdict) strictest = {decision, key};
  }
  return strictest;
}

}  // namespace corral::policy
