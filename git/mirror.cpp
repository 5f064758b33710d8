#include "git/mirror.h"

#include <filesystem>

#include "git/git_handles.h"

namespace corral::git {
namespace {

// Negative refspec: the source may carry branches named corral/* (we publish
// them there); a fetch must never move the mirror's own task branches.
constexpr const char* kFetchRefspecs[] = {
    "+refs/heads/*:refs/heads/*",
    "+refs/tags/*:refs/tags/*",
    "+HEAD:refs/source/HEAD",
    "^refs/heads/corral/*",
};

Result<RepoPtr> init_mirror(const std::string& mirror_path) {
  git_repository* raw = nullptr;
  int rc = git_repository_init(&raw, mirror_path.c_str(), /*is_bare=*/1);
  RepoPtr repo(raw);
  CORRAL_RETURN_IF_ERROR(git_status(rc, "creating mirror " + mirror_path));
  return repo;
}

Status fetch_source(git_repository* repo, const std::string& source_path) {
  git_remote* raw = nullptr;
  int rc = git_remote_create_anonymous(&raw, repo, source_path.c_str());
  RemotePtr remote(raw);
  CORRAL_RETURN_IF_ERROR(git_status(rc, "connecting to " + source_path));
  char* specs[std::size(kFetchRefspecs)];
  for (size_t i = 0; i < std::size(kFetchRefspecs); ++i) specs[i] = const_cast<char*>(kFetchRefspecs[i]);
  git_strarray refspecs = {specs, std::size(kFetchRefspecs)};
  git_fetch_options options = GIT_FETCH_OPTIONS_INIT;
  options.download_tags = GIT_REMOTE_DOWNLOAD_TAGS_NONE;  // tags come through the refspec
  rc = git_remote_fetch(remote.get(), &refspecs, &options, "corral: sync mirror");
  return git_status(rc, "fetching " + source_path + " into the mirror");
}

// Points the mirror's HEAD where the source's HEAD points, so "HEAD" means the
// same thing in both.
Status follow_source_head(git_repository* repo, const std::string& source_path) {
  auto source = open_repository(source_path);
  if (!source.is_ok()) return source.status();
  git_reference* raw = nullptr;
  if (git_reference_lookup(&raw, source->get(), "HEAD") < 0) return Status::ok();
  ReferencePtr head(raw);
  if (git_reference_type(head.get()) != GIT_REFERENCE_SYMBOLIC) return Status::ok();
  const char* target = git_reference_symbolic_target(head.get());
  return git_status(git_repository_set_head(repo, target), "setting mirror HEAD");
}

}  // namespace

Status sync_mirror(const std::string& source_path, const std::string& mirror_path) {
  ensure_libgit2();
  bool exists = std::filesystem::exists(std::filesystem::path(mirror_path) / "HEAD");
  auto repo = exists ? open_repository(mirror_path) : init_mirror(mirror_path);
  if (!repo.is_ok()) return repo.status();
  CORRAL_RETURN_IF_ERROR(fetch_source(repo->get(), source_path));
  return follow_source_head(repo->get(), source_path);
}

bool has_commit(const std::string& mirror_path, const std::string& commit) {
  auto repo = open_repository(mirror_path);
  return repo.is_ok() && lookup_commit(repo->get(), commit).is_ok();
}

Status create_branch(const std::string& mirror_path, const std::string& branch, const std::string& commit) {
  auto repo = open_repository(mirror_path);
  if (!repo.is_ok()) return repo.status();
  auto target = lookup_commit(repo->get(), commit);
  if (!target.is_ok()) return target.status();
  git_reference* raw = nullptr;
  int rc = git_branch_create(&raw, repo->get(), branch.c_str(), target->get(), /*force=*/0);
  ReferencePtr ref(raw);
  return git_status(rc, "creating branch " + branch);
}

Status delete_branch(const std::string& mirror_path, const std::string& branch) {
  auto repo = open_repository(mirror_path);
  if (!repo.is_ok()) return repo.status();
  git_reference* raw = nullptr;
  int rc = git_branch_lookup(&raw, repo->get(), branch.c_str(), GIT_BRANCH_LOCAL);
  ReferencePtr ref(raw);
  if (rc == GIT_ENOTFOUND) return Status::ok();
  CORRAL_RETURN_IF_ERROR(git_status(rc, "finding branch " + branch));
  return git_status(git_branch_delete(ref.get()), "deleting branch " + branch);
}

Result<std::string> branch_commit(const std::string& repo_path, const std::string& branch) {
  auto repo = open_repository(repo_path);
  if (!repo.is_ok()) return repo.status();
  git_oid oid;
  int rc = git_reference_name_to_id(&oid, repo->get(), ("refs/heads/" + branch).c_str());
  CORRAL_RETURN_IF_ERROR(git_status(rc, "reading branch " + branch));
  return oid_hex(oid);
}

}  // namespace corral::git
