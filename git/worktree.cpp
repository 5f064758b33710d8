#include "git/worktree.h"

#include <filesystem>

#include "git/git_handles.h"

namespace corral::git {

Status add_worktree(const std::string& mirror_path, const std::string& name, const std::string& path,
                    const std::string& branch) {
  auto repo = open_repository(mirror_path);
  if (!repo.is_ok()) return repo.status();
  git_reference* ref_raw = nullptr;
  int rc = git_branch_lookup(&ref_raw, repo->get(), branch.c_str(), GIT_BRANCH_LOCAL);
  ReferencePtr ref(ref_raw);
  CORRAL_RETURN_IF_ERROR(git_status(rc, "finding branch " + branch));
  git_worktree_add_options options = GIT_WORKTREE_ADD_OPTIONS_INIT;
  options.ref = ref.get();
  options.checkout_options.checkout_strategy = GIT_CHECKOUT_FORCE;  // the directory is new
  git_worktree* wt_raw = nullptr;
  rc = git_worktree_add(&wt_raw, repo->get(), name.c_str(), path.c_str(), &options);
  WorktreePtr worktree(wt_raw);
  return git_status(rc, "creating worktree " + path);
}

Status remove_worktree(const std::string& mirror_path, const std::string& name, const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::remove_all(path, ec);
  if (ec) return Status::from_errno(ec.value(), "removing worktree " + path);
  // The mirror's record of the worktree, removed directly: nothing in the
  // (agent-writable) worktree is consulted to find it.
  fs::remove_all(fs::path(mirror_path) / "worktrees" / name, ec);
  if (ec) return Status::from_errno(ec.value(), "pruning worktree record " + name);
  return Status::ok();
}

}  // namespace corral::git
