// Where things live under the data directory. One place, so reconciliation
// finds exactly what runs create.
//
//   corral.db                  the database (store/)
//   mirrors/<repo>.git         bare mirrors;  mirrors/<repo>.lock their writer lock
//   worktrees/<run>            one workspace per run (a worktree, or an overlay's mount point)
//   layers/<run>               an overlay workspace's upper layer
//   checkouts/<repo>/<commit>  cached read-only checkouts, the overlays' lower layers
//   runs/<run>.lock            held while a run is live (released by the kernel on death)
//   runs/<run>/                the run's gateway sockets and agent files (mounted at /.corral/run)
//   sandboxes/<name>           OCI bundles
//   runtime/<runtime>          an OCI runtime's state root (corral's containers only)
#pragma once

#include <string>

namespace corral {

class DataLayout {
 public:
  explicit DataLayout(std::string root) : root_(std::move(root)) {}

  const std::string& root() const { return root_; }
  std::string database() const { return root_ + "/corral.db"; }
  std::string mirror(const std::string& repo_id) const { return root_ + "/mirrors/" + repo_id + ".git"; }
  std::string mirror_lock(const std::string& repo_id) const { return root_ + "/mirrors/" + repo_id + ".lock"; }
  std::string worktrees() const { return root_ + "/worktrees"; }
  std::string worktree(const std::string& run_id) const { return worktrees() + "/" + run_id; }
  std::string layers() const { return root_ + "/layers"; }
  std::string layer(const std::string& run_id) const { return layers() + "/" + run_id; }
  std::string checkouts() const { return root_ + "/checkouts"; }
  std::string runs() const { return root_ + "/runs"; }
  std::string run_lock(const std::string& run_id) const { return runs() + "/" + run_id + ".lock"; }
  std::string run_dir(const std::string& run_id) const { return runs() + "/" + run_id; }
  std::string sandboxes() const { return root_ + "/sandboxes"; }
  std::string runtime_root() const { return root_ + "/runtime"; }
  std::string daemon_lock() const { return root_ + "/daemon.lock"; }  // held by the one `corral serve`

  // Creates the directories above (mode 0700).
  bool create_directories() const;

 private:
  std::string root_;
};

// The layout of the data directory the user named (flag, environment or
// default), as an absolute path with symlinks resolved: the same string every
// time, so labels and paths recorded by one run match in the next.
DataLayout layout_for(const std::string& data_dir_flag);

// True while some process holds the run's lock, i.e. the run is in progress.
bool is_run_live(const DataLayout& layout, const std::string& run_id);

}  // namespace corral
