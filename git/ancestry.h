// Questions about history: does one commit contain another, and which commits
// would a branch lose if it moved from one tip to another.
#pragma once

#include <string>
#include <vector>

#include "core/status.h"

namespace corral::git {

struct CommitInfo {
  std::string id;
  std::string summary;  // the message's first line
  std::string author;
  std::string message;  // the whole message
};

// True if `ancestor` is `descendant` or one of its ancestors.
Result<bool> is_ancestor(const std::string& repo_path, const std::string& ancestor, const std::string& descendant);

// Commits reachable from `to` but not from `from` ("" for none), oldest first
// (what `git log --reverse from..to` lists), at most `limit`.
Result<std::vector<CommitInfo>> commits_between(const std::string& repo_path, const std::string& from,
                                                const std::string& to, size_t limit = 1000);

// One commit's id, summary, author and message; not_found if it is not there.
Result<CommitInfo> describe_commit(const std::string& repo_path, const std::string& commit);

// What moving a branch from `old_tip` to `new_tip` ("" = deleting it) would
// drop: commits reachable from the old tip and not from the new, newest first.
Result<std::vector<CommitInfo>> commits_lost(const std::string& repo_path, const std::string& old_tip,
                                             const std::string& new_tip, size_t limit = 100);

}  // namespace corral::git
