// The two moves every writer of a shared branch makes (merges, rollbacks,
// an owner's explicit request): look at what the upstream has now, and move
// corral's record and then the upstream forward, never by force.
#pragma once

#include <nlohmann/json_fwd.hpp>

#include <functional>
#include <string>
#include <vector>

#include "core/data_layout.h"
#include "git/ancestry.h"
#include "merge/repo_context.h"

namespace corral::merge {

struct SharedTip {
  std::string tip;                       // the upstream's tip ("" = no such branch)
  std::vector<git::CommitInfo> lost;     // set: the upstream lost commits corral saw there (rewritten outside
                                         // corral); corral's record was left as it was
  std::vector<git::CommitInfo> arrived;  // commits the upstream gained from elsewhere since corral last looked
};

// Fetches the branch and brings corral's record (refs/shared/...) forward to
// it when the upstream only moved forward.
Result<SharedTip> observe_shared_branch(const DataLayout& layout, const RepoContext& repo, const std::string& branch);

// Moves corral's record from `old_tip` to `new_tip` by compare-and-swap (only
// forward), calls `advanced` (the caller's intent log), then publishes to the
// upstream expecting `old_tip`. If the upstream refuses, the unpublished tip
// is withdrawn from the record and the upstream's Status returned:
// failed_precondition when it moved meanwhile (observe and try again).
Status move_shared_branch(const DataLayout& layout, const RepoContext& repo, const std::string& branch,
                          const std::string& old_tip, const std::string& new_tip,
                          const std::function<Status()>& advanced = {});

// The second half of move_shared_branch, for a record that already moved.
Status publish_shared_branch(const DataLayout& layout, const RepoContext& repo, const std::string& branch,
                             const std::string& old_tip, const std::string& new_tip);

// [{"id", "summary"}] for events that name commits (merged, or lost).
nlohmann::json commits_json(const std::vector<git::CommitInfo>& commits);

}  // namespace corral::merge
