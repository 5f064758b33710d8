// A repository of the workspace's own, so that git works inside the sandbox
// (status, diff, log, blame, commit) and nothing the agent does with it can
// reach the mirror or a shared ref.
//
// The workspace's `.git` (for a worktree, a file pointing into the mirror,
// which the sandbox cannot see) becomes a directory: the checkout's index (so `git status` is
// clean at the start), HEAD on the task's branch at the base commit, and the
// history read through `objects_path`, where the sandbox sees the mirror's
// objects read-only, as an alternate. What the agent commits stays in this
// directory. corral never opens this repository (snapshot.h reads the
// worktree as plain files against the mirror): it is the agent's.
#pragma once

#include <string>

#include "core/status.h"

namespace corral::git {

// `checkout_index` is corral's index of the checkout with its stat data
// (record_checkout_stat's), copied in as the repository's index.
Status give_workspace_repository(const std::string& worktree_path, const std::string& branch, const std::string& commit,
                                 const std::string& objects_path, const std::string& checkout_index);

}  // namespace corral::git
