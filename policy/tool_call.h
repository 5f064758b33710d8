// One tool call as an agent makes it (a tool name and its arguments), checked
// by the validators its arguments need: paths (path, file_path,
// notebook_path, directory), commands (command, cmd), URLs (url). The
// strictest decision wins. Known tools are Claude Code's (Read, Write, Edit,
// MultiEdit, NotebookEdit, Glob, Grep, LS, Bash, WebFetch) and generic names
// (read_file, write_file, edit_file, list_dir, shell, bash, fetch); any other
// tool is unknown_tool (default deny); a tool that acts on a path, command or
// URL and names none is missing_argument. Pure.
#pragma once

#include <map>
#include <string>

#include "policy/path_rules.h"
#include "policy/url_rules.h"

namespace corral::policy {

struct ToolPolicy {
  PathPolicy paths;
  UrlPolicy urls;
  Enforcement enforcement = Enforcement::kBlock;  // for commands and unknown tools
};

struct ToolCallDecision {
  ToolDecision decision;
  std::string argument;  // the checked argument that decided ("" when none was checked, or unknown_tool)
};

ToolCallDecision check_tool_call(const std::string& tool, const std::map<std::string, std::string>& arguments,
                                 const ToolPolicy& policy);

}  // namespace corral::policy
