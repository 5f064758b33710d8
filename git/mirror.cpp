#include "git/mirror.h"

#include <filesystem>
#include <vector>

#include "git/git_handles.h"
#include "git/revision.h"

namespace corral::git {
namespace {

// The source's refs live under refs/source/ in the mirror; refs/heads/ holds
// only corral's task branches, so no fetch can ever move one of them (the
// source itself carries corral/* branches once they are published).
constexpr const char* kFetchRefspecs[] = {
    "+refs/heads/*:refs/source/heads/*",
    "+refs/tags/*:refs/source/tags/*",
    "+HEAD:refs/source/HEAD",
};

// Hard-links a local source's object files into a new mirror, as `git clone
// --local` does (git never writes an object file in place, so sharing them is
// safe), so that the first fetch finds every object there and copies none.
// What cannot be linked (another filesystem, a URL) is left to the fetch.
void link_source_objects(const std::string& source_path, const std::string& mirror_path) {
  if (source_path.find("://") != std::string::npos) return;  // a URL: the fetch copies everything
  auto source = open_repository(source_path);
  if (!source.is_ok()) return;
  namespace fs = std::filesystem;
  fs::path from = fs::path(git_repository_path(source->get())) / "objects";
  fs::path to = fs::path(mirror_path) / "objects";
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(from, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    fs::path relative = it->path().lexically_relative(from);
    if (*relative.begin() == "info") {  // alternates and pack lists stay the source's
      it.disable_recursion_pending();
      continue;
    }
    std::error_code ignored;
    if (it->is_directory(ignored)) {
      fs::create_directories(to / relative, ignored);
    } else if (it->is_regular_file(ignored)) {
      fs::create_hard_link(it->path(), to / relative, ignored);
    }
  }
}

Result<RepoPtr> init_mirror(const std::string& source_path, const std::string& mirror_path) {
  git_repository* raw = nullptr;
  int rc = git_repository_init(&raw, mirror_path.c_str(), /*is_bare=*/1);
  RepoPtr repo(raw);
  CORRAL_RETURN_IF_ERROR(git_status(rc, "creating mirror " + mirror_path));
  link_source_objects(source_path, mirror_path);
  return repo;
}

// Fetches `specs` (all of kFetchRefspecs when empty) from the source.
Status fetch_source(git_repository* repo, const std::string& source_path, std::vector<std::string> specs = {}) {
  CORRAL_RETURN_IF_ERROR(check_local_remote(source_path, "the repository"));
  CORRAL_ASSIGN_OR_RETURN(RemotePtr remote, anonymous_remote(repo, source_path, source_path));
  if (specs.empty()) specs.assign(std::begin(kFetchRefspecs), std::end(kFetchRefspecs));
  std::vector<char*> pointers;
  for (std::string& spec : specs) pointers.push_back(spec.data());
  git_strarray refspecs = {pointers.data(), pointers.size()};
  git_fetch_options options = GIT_FETCH_OPTIONS_INIT;
  options.download_tags = GIT_REMOTE_DOWNLOAD_TAGS_NONE;  // tags come through the refspec
  int rc = git_remote_fetch(remote.get(), &refspecs, &options, "corral: sync mirror");
  return git_status(rc, "fetching " + source_path + " into the mirror");
}

}  // namespace

Status sync_mirror(const std::string& source_path, const std::string& mirror_path) {
  ensure_libgit2();
  bool exists = std::filesystem::exists(std::filesystem::path(mirror_path) / "HEAD");
  auto repo = exists ? open_repository(mirror_path) : init_mirror(source_path, mirror_path);
  if (!repo.is_ok()) return repo.status();
  return fetch_source(repo->get(), source_path);
}

Result<std::string> fetch_revision(const std::string& source_path, const std::string& mirror_path,
                                   const std::string& rev) {
  ensure_libgit2();
  CORRAL_RETURN_IF_ERROR(check_local_remote(source_path, "the repository"));
  CORRAL_ASSIGN_OR_RETURN(ResolvedRevision resolved, resolve_revision(source_path, rev));
  const std::string& id = resolved.commit;
  if (!std::filesystem::exists(std::filesystem::path(mirror_path) / "HEAD")) {
    CORRAL_RETURN_IF_ERROR(sync_mirror(source_path, mirror_path));
    return id;
  }
  if (has_commit(mirror_path, id)) return id;
  CORRAL_ASSIGN_OR_RETURN(RepoPtr mirror, open_repository(mirror_path));
  std::vector<std::string> specs;  // none: everything
  const std::string& name = resolved.ref;
  if (name == "HEAD") specs.push_back("+HEAD:refs/source/HEAD");
  if (name.rfind("refs/heads/", 0) == 0 || name.rfind("refs/tags/", 0) == 0) {
    specs.push_back("+" + name + ":refs/source/" + name.substr(5));
  }
  CORRAL_RETURN_IF_ERROR(fetch_source(mirror.get(), source_path, specs));
  return id;
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
  // The reference alone: git_branch_delete also drops the branch's config
  // section, through a regex match that leaks ~20 KB a call in libgit2 1.5
  // (the daemon deletes a branch on every run); corral's branches have none.
  return git_status(git_reference_delete(ref.get()), "deleting branch " + branch);
}

Result<std::string> branch_commit(const std::string& repo_path, const std::string& branch) {
  auto repo = open_repository(repo_path);
  if (!repo.is_ok()) return repo.status();
  git_oid oid;
  int rc = git_reference_name_to_id(&oid, repo->get(), ("refs/heads/" + branch).c_str());
  CORRAL_RETURN_IF_ERROR(git_status(rc, "reading branch " + branch));
  return oid_hex(oid);
}

Result<int> remove_stale_ref_locks(const std::string& mirror_path) {
  namespace fs = std::filesystem;
  int removed = 0;
  std::error_code ec;
  std::vector<fs::path> stale;
  if (!fs::is_directory(fs::path(mirror_path) / "refs", ec)) return 0;  // not mirrored yet
  if (fs::exists(fs::path(mirror_path) / "packed-refs.lock", ec))
    stale.push_back(fs::path(mirror_path) / "packed-refs.lock");
  for (auto it = fs::recursive_directory_iterator(fs::path(mirror_path) / "refs", ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (it->path().extension() == ".lock" && !it->is_directory(ec)) stale.push_back(it->path());
  }
  if (ec) return Status::from_errno(ec.value(), "reading the references of " + mirror_path);
  for (const fs::path& lock : stale) {
    if (!fs::remove(lock, ec)) return Status::from_errno(ec.value(), "removing the stale " + lock.string());
    ++removed;
  }
  return removed;
}

}  // namespace corral::git
