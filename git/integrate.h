// Putting a task's commits on top of a branch's current tip, in memory (no
// working tree): replayed one by one (rebase), joined by a merge commit, or
// undone (revert). Nothing here moves a ref; shared_ref.h does that.
#pragma once

#include <string>
#include <vector>

#include "core/clock.h"
#include "core/status.h"

namespace corral::git {

struct Integration {
  std::string head;                    // the new commit; "" when there are conflicts
  std::vector<std::string> conflicts;  // paths both sides changed differently
  int commits_written = 0;             // 0: nothing left to apply (the change is already there)
};

struct Committer {
  std::string name = "corral";
  std::string email = "corral@localhost";
  TimePoint when;
};

// Replays the commits `from`..`to` (oldest first) on top of `onto`, keeping
// each one's author and message; commits that change nothing any more are
// dropped. `head` is `onto` if none is left.
Result<Integration> rebase_onto(const std::string& repo_path, const std::string& from, const std::string& to,
                                const std::string& onto, const Committer& committer);

// A merge commit with parents `onto` and `head`.
Result<Integration> merge_onto(const std::string& repo_path, const std::string& onto, const std::string& head,
                               const std::string& message, const Committer& committer);

// Reverts the commits `from`..`to` (newest first), each as its own commit
// `Revert "<summary>"` on top of `onto`, with `trailer` appended to each
// message (e.g. "Corral-Rollback-Of: t-…").
Result<Integration> revert_onto(const std::string& repo_path, const std::string& from, const std::string& to,
                                const std::string& onto, const std::string& trailer, const Committer& committer);

}  // namespace corral::git
