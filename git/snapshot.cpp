#include "git/snapshot.h"

#include <sys/stat.h>

#include <filesystem>

#include "git/branch_commit.h"

namespace corral::git {
namespace {

// An index that starts as the base tree, with no stat data, owned by a handle
// of the mirror whose workdir is the agent's worktree.
Result<IndexPtr> index_of_base(git_repository* repo, git_tree* base_tree) {
  git_index* raw = nullptr;
  CORRAL_RETURN_IF_ERROR(git_status(git_index_new(&raw), "creating index"));
  IndexPtr index(raw);
  CORRAL_RETURN_IF_ERROR(git_status(git_index_read_tree(index.get(), base_tree), "reading base tree"));
  CORRAL_RETURN_IF_ERROR(git_status(git_repository_set_index(repo, index.get()), "attaching index"));
  return index;
}

// The checkout's index with its stat data, attached to `repo`; refused unless
// it holds exactly the base tree.
Result<IndexPtr> index_with_stat(git_repository* repo, const std::string& path, const git_oid* base_tree) {
  git_index* raw = nullptr;
  CORRAL_RETURN_IF_ERROR(git_status(git_index_open(&raw, path.c_str()), "reading the checkout's index"));
  IndexPtr index(raw);
  CORRAL_RETURN_IF_ERROR(git_status(git_repository_set_index(repo, index.get()), "attaching index"));
  git_oid tree;
  CORRAL_RETURN_IF_ERROR(git_status(git_index_write_tree_to(&tree, index.get(), repo), "reading the index's tree"));
  if (!git_oid_equal(&tree, base_tree)) return Status::internal("the checkout's index is not the base tree");
  return index;
}

Status stage_everything(git_index* index) {
  // add_all picks up new and modified files; update_all drops deleted ones.
  int rc = git_index_add_all(index, nullptr, GIT_INDEX_ADD_DEFAULT, nullptr, nullptr);
  CORRAL_RETURN_IF_ERROR(git_status(rc, "reading worktree files"));
  rc = git_index_update_all(index, nullptr, nullptr, nullptr);
  return git_status(rc, "reading removed worktree files");
}

}  // namespace

Status record_checkout_stat(const std::string& index_path, const std::string& worktree_path) {
  git_index* raw = nullptr;
  CORRAL_RETURN_IF_ERROR(git_status(git_index_open(&raw, index_path.c_str()), "reading the checkout's index"));
  IndexPtr index(raw);
  size_t count = git_index_entrycount(index.get());
  for (size_t i = 0; i < count; ++i) {
    git_index_entry entry = *git_index_get_byindex(index.get(), i);
    struct stat info {};
    if (::lstat((worktree_path + "/" + entry.path).c_str(), &info) != 0) continue;  // left to a full read
    entry.ctime = {static_cast<int32_t>(info.st_ctim.tv_sec), static_cast<uint32_t>(info.st_ctim.tv_nsec)};
    entry.mtime = {static_cast<int32_t>(info.st_mtim.tv_sec), static_cast<uint32_t>(info.st_mtim.tv_nsec)};
    entry.dev = static_cast<uint32_t>(info.st_dev);
    entry.ino = static_cast<uint32_t>(info.st_ino);
    entry.uid = info.st_uid;
    entry.gid = info.st_gid;
    entry.file_size = static_cast<uint32_t>(info.st_size);
    CORRAL_RETURN_IF_ERROR(git_status(git_index_add(index.get(), &entry), "recording " + std::string(entry.path)));
  }
  return git_status(git_index_write(index.get()), "writing the checkout's index");
}

std::string commit_message(const CommitDetails& details) {
  std::string message = details.subject + "\n";
  if (!details.body.empty()) message += "\n" + details.body + "\n";
  if (!details.trailers.empty()) {
    message += "\n";
    for (const auto& [key, value] : details.trailers) message += key + ": " + value + "\n";
  }
  return message;
}

Result<Snapshot> snapshot_worktree(const std::string& mirror_path, const std::string& worktree_path,
                                   const std::string& branch, const std::string& base_commit,
                                   const CommitDetails& details, TimePoint when, const std::string& checkout_index) {
  auto repo = open_repository(mirror_path);
  if (!repo.is_ok()) return repo.status();
  int rc = git_repository_set_workdir(repo->get(), worktree_path.c_str(), /*update_gitlink=*/0);
  CORRAL_RETURN_IF_ERROR(git_status(rc, "reading worktree " + worktree_path));
  auto base = lookup_commit(repo->get(), base_commit);
  if (!base.is_ok()) return base.status();
  auto base_tree = commit_tree(base->get());
  if (!base_tree.is_ok()) return base_tree.status();
  auto index = checkout_index.empty() || !std::filesystem::exists(checkout_index)
                   ? index_of_base(repo->get(), base_tree->get())
                   : index_with_stat(repo->get(), checkout_index, git_tree_id(base_tree->get()));
  if (!index.is_ok()) return index.status();
  CORRAL_RETURN_IF_ERROR(stage_everything(index->get()));

  git_oid tree_oid;
  rc = git_index_write_tree_to(&tree_oid, index->get(), repo->get());
  CORRAL_RETURN_IF_ERROR(git_status(rc, "writing tree"));
  return commit_on_branch(repo->get(), base->get(), tree_oid, branch, details, when);
}

}  // namespace corral::git
