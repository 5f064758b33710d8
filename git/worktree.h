// Worktrees of the mirror: one per run, checked out at the task branch.
//
// The worktree's `.git` file is writable by the agent, so corral never opens a
// repository through it after the agent ran; collection reads the directory as
// plain files against the mirror (see snapshot.h).
#pragma once

#include <string>

#include "core/status.h"

namespace corral::git {

// Creates worktree `name` at `path` (which must not exist) with `branch`
// (which must exist in the mirror) checked out.
Status add_worktree(const std::string& mirror_path, const std::string& name, const std::string& path,
                    const std::string& branch);

// Deletes the worktree directory and the mirror's record of it. Succeeds if
// either is already gone, so it is safe in cleanup and reconciliation.
Status remove_worktree(const std::string& mirror_path, const std::string& name, const std::string& path);

}  // namespace corral::git
