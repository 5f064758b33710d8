// A run's /workspace on the host: the base tree, writable by the agent, with
// a git repository of its own; collected into a commit when the run ends.
//
// Two ways to make one, the same to the agent:
//   overlay   the base's cached read-only checkout (checkout_cache.h) below
//             the run's own upper layer: constant time to make whatever the
//             repository's size, and collection reads only the upper layer;
//   worktree  a worktree of the mirror, checked out for this run, collected
//             with a stat-cached index (what the agent did not touch is not
//             read again): where overlayfs is not available, and for checks
//             (a merge's result is a new commit each time: nothing to share).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/status.h"
#include "git/snapshot.h"
#include "runner/workspace/checkout_cache.h"

namespace corral::runner {

enum class WorkspaceMode {
  kAuto,      // overlay where it can be mounted, else worktree
  kWorktree,  // always worktree
};

struct WorkspaceOptions {
  WorkspaceMode mode = WorkspaceMode::kAuto;
  CheckoutCacheLimits cache;
};

struct WorkspacePlan {
  std::string run_id;
  std::string mirror_path;
  std::string mirror_lock_path;
  std::string repo_id;
  std::string branch;  // exists in the mirror, at base_commit
  std::string base_commit;
  std::string path;        // where /workspace is on the host; must not exist
  std::string layer_path;  // the run's upper layer (overlay); must not exist
  std::string cache_path;  // the checkout cache; empty: worktree
  WorkspaceOptions options;
};

class Workspace {
 public:
  explicit Workspace(WorkspacePlan plan) : plan_(std::move(plan)) {}

  // Makes it; what a failure left is removed by remove().
  Status make();
  bool overlay() const { return overlay_; }
  // "overlay" or "worktree", and, for a worktree where overlay was wanted, why.
  const char* kind() const { return overlay_ ? "overlay" : "worktree"; }
  const std::string& why_not_overlay() const { return why_not_overlay_; }
  bool cache_hit() const { return overlay_ && !lease_->built; }

  // What the agent left, as one commit on the branch (the caller holds the
  // mirror's lock).
  Result<git::Snapshot> collect(const git::CommitDetails& details, TimePoint when) const;

  // Unmounts and removes everything make() made; safe to call after a failed make().
  Status remove();

 private:
  Status make_overlay();
  Status make_worktree();
  // The workspace's own .git, from the checkout's index `index`.
  Status give_repository(const std::string& index) const;

  WorkspacePlan plan_;
  bool overlay_ = false;
  std::string why_not_overlay_;
  std::optional<CheckoutLease> lease_;
};

// Removes a workspace a run left (after a crash: `path` may still be mounted),
// its upper layer, and every mirror's record of it as a worktree.
Status remove_workspace_files(const std::string& path, const std::string& layer_path,
                              const std::vector<std::string>& mirror_paths, const std::string& run_id);

}  // namespace corral::runner
