// Requests that move a shared branch other than a task's merge: an owner
// setting a protected branch to a commit, and rolling a merged task back.
// Both go through the same forward-only path as merges (shared_branch.h);
// a merge racing one of them loses a compare-and-swap and starts over, it
// never overwrites. They run on the API's thread: quick on a local upstream,
// as slow as the network on a remote one.
// Any request that would move a protected branch backwards or sideways,
// delete it, or force it, whoever asks, is refused: merge.refused plus an
// alert.raised naming the commits that would have been lost.
#pragma once

#include <nlohmann/json_fwd.hpp>

#include <string>

#include "core/data_layout.h"
#include "merge/repo_context.h"
#include "policy/access.h"
#include "store/store.h"

namespace corral::merge {

class BranchDesk {
 public:
  BranchDesk(store::Store& store, DataLayout layout) : store_(store), layout_(std::move(layout)) {}

  // body: {"branch", "commit" ("" deletes), "force"?}. Owners and admins.
  // A commit that descends from the branch's tip is published (a fast-forward).
  Result<nlohmann::json> move_branch(const policy::Caller& caller, const std::string& repo_id,
                                     const nlohmann::json& body);

  // body: {"reason"}. Reverts a merged task's commits on top of its branch's
  // current tip (one revert commit per commit, newest first), publishes
  // without force, and records rollback.recorded; the task ends rolled_back.
  Result<nlohmann::json> rollback(const policy::Caller& caller, const std::string& task_id, const nlohmann::json& body);

 private:
  Status refuse(const policy::Caller& caller, const RepoContext& repo, const std::string& branch,
                const std::string& from, const std::string& to, bool force, const std::string& why);

  store::Store& store_;
  DataLayout layout_;
};

}  // namespace corral::merge
