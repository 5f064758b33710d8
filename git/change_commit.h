// Turning a list of changed paths into a commit on a task branch, reading
// only those paths: how an overlay workspace is collected, whose upper layer
// already says what the agent wrote and removed (runner/workspace/).
#pragma once

#include <string>
#include <vector>

#include "git/snapshot.h"

namespace corral::git {

struct PathChange {
  enum class Kind {
    kWritten,  // the file or symlink now at the path (what it is there now is read)
    kRemoved,  // the path, and everything under it, is gone
  };
  Kind kind;
  std::string path;  // relative to the workspace, '/'-separated
};

// Applies `changes`, in order, to the tree of `base_commit` and, if the result
// differs, writes a commit with `details` on it, moving `branch` in the mirror
// only if it still points at `base_commit` (as snapshot_worktree does).
//
// A written path is read from `workdir` as `git add` would read it (filters,
// the executable bit, a symlink stored as a link, never followed); one that is
// neither a file nor a symlink counts as removed; a new path that .gitignore
// ignores is left out. Paths with a `.git` component are never taken.
Result<Snapshot> commit_changes(const std::string& mirror_path, const std::string& workdir, const std::string& branch,
                                const std::string& base_commit, const std::vector<PathChange>& changes,
                                const CommitDetails& details, TimePoint when);

}  // namespace corral::git
