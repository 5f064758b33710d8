#include "runner/workspace/workspace.h"

#include <filesystem>

#include "containers/sandbox_spec.h"
#include "core/file_lock.h"
#include "git/change_commit.h"
#include "git/workspace_repository.h"
#include "git/worktree.h"
#include "runner/workspace/hand_over.h"
#include "runner/workspace/overlay_mount.h"
#include "runner/workspace/upper_layer.h"

namespace corral::runner {
namespace {

namespace fs = std::filesystem;

std::string upper_of(const std::string& layer) { return layer + "/upper"; }
std::string work_of(const std::string& layer) { return layer + "/work"; }

}  // namespace

Status Workspace::make() {
  if (plan_.cache_path.empty() || plan_.options.mode == WorkspaceMode::kWorktree) return make_worktree();
  why_not_overlay_ = overlay_unavailable_under(fs::path(plan_.layer_path).parent_path());
  if (!why_not_overlay_.empty()) return make_worktree();
  return make_overlay();
}

Status Workspace::make_overlay() {
  CheckoutCache cache(plan_.cache_path, plan_.options.cache);
  CORRAL_ASSIGN_OR_RETURN(lease_, cache.lease(plan_.mirror_path, plan_.repo_id, plan_.base_commit));
  std::error_code ec;
  for (const std::string& dir : {upper_of(plan_.layer_path), work_of(plan_.layer_path), plan_.path}) {
    fs::create_directories(dir, ec);
    if (ec) return Status::from_errno(ec.value(), "creating " + dir);
  }
  // The upper layer's root is the workspace's root, which git wants owned by
  // the one who runs it.
  CORRAL_RETURN_IF_ERROR(hand_over(upper_of(plan_.layer_path)));
  CORRAL_RETURN_IF_ERROR(
      mount_overlay(lease_->tree, upper_of(plan_.layer_path), work_of(plan_.layer_path), plan_.path));
  overlay_ = true;
  return give_repository(lease_->index);
}

Status Workspace::make_worktree() {
  std::error_code ec;
  fs::create_directories(fs::path(plan_.path).parent_path(), ec);
  if (ec) return Status::from_errno(ec.value(), "creating the parent of " + plan_.path);
  {
    auto lock = FileLock::acquire(plan_.mirror_lock_path);
    if (!lock.is_ok()) return lock.status();
    CORRAL_RETURN_IF_ERROR(git::add_worktree(plan_.mirror_path, plan_.run_id, plan_.path, plan_.branch));
  }
  CORRAL_RETURN_IF_ERROR(hand_over(plan_.path));
  std::string index = plan_.mirror_path + "/worktrees/" + plan_.run_id + "/index";
  CORRAL_RETURN_IF_ERROR(git::record_checkout_stat(index, plan_.path));
  // Made after the stat record, whose index it copies: the agent's first
  // `git status` then finds every file as checked out, without reading it.
  return give_repository(index);
}

Status Workspace::give_repository(const std::string& index) const {
  CORRAL_RETURN_IF_ERROR(
      git::give_workspace_repository(plan_.path, plan_.branch, plan_.base_commit, containers::kGitObjectsPath, index));
  return hand_over(plan_.path + "/.git");
}

Result<git::Snapshot> Workspace::collect(const git::CommitDetails& details, TimePoint when) const {
  if (!overlay_) {
    return git::snapshot_worktree(plan_.mirror_path, plan_.path, plan_.branch, plan_.base_commit, details, when,
                                  plan_.mirror_path + "/worktrees/" + plan_.run_id + "/index");
  }
  CORRAL_ASSIGN_OR_RETURN(auto changes, upper_layer_changes(upper_of(plan_.layer_path), plan_.path));
  return git::commit_changes(plan_.mirror_path, plan_.path, plan_.branch, plan_.base_commit, changes, details, when);
}

Status Workspace::remove() {
  Status removed = remove_workspace_files(plan_.path, plan_.layer_path, {plan_.mirror_path}, plan_.run_id);
  if (lease_) {
    lease_.reset();  // before evicting: this run no longer holds its checkout
    Status evicted = CheckoutCache(plan_.cache_path, plan_.options.cache).evict(std::chrono::system_clock::now());
    if (removed.is_ok()) removed = evicted;
  }
  return removed;
}

Status remove_workspace_files(const std::string& path, const std::string& layer_path,
                              const std::vector<std::string>& mirror_paths, const std::string& run_id) {
  CORRAL_RETURN_IF_ERROR(unmount(path));
  for (const std::string& mirror : mirror_paths) CORRAL_RETURN_IF_ERROR(git::remove_worktree(mirror, run_id, path));
  for (const std::string& dir : {path, layer_path}) {
    std::error_code ec;
    fs::remove_all(dir, ec);
    if (ec) return Status::from_errno(ec.value(), "removing " + dir);
  }
  return Status::ok();
}

}  // namespace corral::runner
