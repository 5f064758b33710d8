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

// Records, in corral's own index of a checkout (`index_path`, out of the
// sandbox's reach: a worktree's in the mirror, a cached checkout's beside
// it), the stat data of every checked-out file under `worktree_path` as it is
// now: called once the files are handed to the sandbox user (which changes
// their owner and ctime), so that collection re-reads only what the agent
// touched.
Status record_checkout_stat(const std::string& index_path, const std::string& worktree_path);

// Reads every file under `worktree_path` (ignoring .git and what .gitignore
// ignores), compares it with `base_commit`, and if anything differs (added,
// modified, deleted, renamed, executable bit, symlink) writes a commit with
// `details` whose parent is `base_commit`, moving `branch` in the mirror to it
// only if the branch still points at `base_commit`.
//
// Safe against a hostile worktree: the repository opened is the mirror and
// symlinks are stored as links and never followed. With `checkout_index`
// (record_checkout_stat's), a file whose stat data (size, mtime and ctime to
// the nanosecond, inode, owner) is unchanged is taken as the base's: an agent
// can set mtime but not ctime, and the index is corral's, not the worktree's.
// Without it, every file is hashed afresh.
Result<Snapshot> snapshot_worktree(const std::string& mirror_path, const std::string& worktree_path,
                                   const std::string& branch, const std::string& base_commit,
                                   const CommitDetails& details, TimePoint when,
                                   const std::string& checkout_index = "");

// The full commit message for `details`: subject, blank line, body, blank
// line, trailers.
std::string commit_message(const CommitDetails& details);

}  // namespace corral::git
