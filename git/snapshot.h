// Turning what an agent left in a worktree into a commit on its task branch.
#pragma once

#include <string>
#include <vector>

#include "core/clock.h"
#include "core/status.h"

namespace corral::git {

struct CommitDetails {
  std::string subject;                                        // first line
  std::string body;                                           // may be empty
  std::vector<std::pair<std::string, std::string>> trailers;  // e.g. {"Corral-Task", "t-…"}
  std::string author_name = "corral";
  std::string author_email = "corral@localhost";
};

struct Snapshot {
  std::string commit;  // the new head; equals the base commit when nothing changed
  bool changed = false;
};

// Reads every file under `worktree_path` (ignoring .git and what .gitignore
// ignores), compares it with `base_commit`, and if anything differs (added,
// modified, deleted, renamed, executable bit, symlink) writes a commit with
// `details` whose parent is `base_commit`, moving `branch` in the mirror to it
// only if the branch still points at `base_commit`.
//
// Safe against a hostile worktree: the repository opened is the mirror, every
// file is hashed afresh (no stat cache the agent could fake), symlinks are
// stored as links and never followed.
Result<Snapshot> snapshot_worktree(const std::string& mirror_path, const std::string& worktree_path,
                                   const std::string& branch, const std::string& base_commit,
                                   const CommitDetails& details, TimePoint when);

// The full commit message for `details`: subject, blank line, body, blank
// line, trailers.
std::string commit_message(const CommitDetails& details);

}  // namespace corral::git
