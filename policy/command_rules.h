// Shell commands a tool call runs (Bash, shell, exec tools). The command is
// split the way a shell would see it (quotes and escapes undone; ;, &&, ||,
// |, &, newlines, $( ), backticks and parentheses separate commands; env
// assignments, `env`, `command`, `exec`, `sudo` and git's own global
// options are looked through), then each simple command meets the rules:
//
//   rule               severity  what
//   force_push         block     git push -f / --force / --force-with-lease / +refspec / --mirror
//   delete_remote_ref  block     git push --delete / -d / :ref
//   history_rewrite    block     git filter-branch / filter-repo / replace, update-ref -d,
//                                reflog expire, gc --prune
//   privilege          block     sudo, su, doas
//   destroy_root       block     rm -r(f) of /, ~, $HOME, .., /* or the workspace itself
//   local_rewrite      flag      git rebase, reset --hard, commit --amend, branch -D, push (plain)
//   pipe_to_shell      flag      curl / wget ... | sh, bash, zsh, python
//
// A "block" rule under Enforcement::kFlag only flags. Pure.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "policy/tool_verdict.h"

namespace corral::policy {

ToolDecision check_command(std::string_view command, Enforcement enforcement);

// The simple commands of a shell line, each as its words (exposed for tests).
std::vector<std::vector<std::string>> split_commands(std::string_view command);

}  // namespace corral::policy
