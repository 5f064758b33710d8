#include "git/git_handles.h"

#include <filesystem>

#include <mutex>

namespace corral::git {

void ensure_libgit2() {
  static std::once_flag once;
  std::call_once(once, [] { git_libgit2_init(); });
}

Status git_status(int rc, std::string_view what) {
  if (rc >= 0) return Status::ok();
  const git_error* error = git_error_last();
  std::string msg = std::string(what) + ": " + (error && error->message ? error->message : "libgit2 error");
  switch (rc) {
    case GIT_ENOTFOUND:
      return Status::not_found(std::move(msg));
    case GIT_EEXISTS:
      return Status::already_exists(std::move(msg));
    case GIT_EAMBIGUOUS:
    case GIT_EINVALIDSPEC:
      return Status::invalid_argument(std::move(msg));
    case GIT_ECONFLICT:
    case GIT_ENONFASTFORWARD:
    case GIT_EMODIFIED:
      return Status::failed_precondition(std::move(msg));
    case GIT_ELOCKED:
      // Not "it moved": a git process is writing the reference now, or one
      // that died left its .lock file behind.
      return Status::busy(std::move(msg) + " (locked: a git process holds its .lock file, or one that died left it)");
    default:
      return Status::io(std::move(msg));
  }
}

Result<RepoPtr> open_repository(const std::string& path) {
  ensure_libgit2();
  git_repository* raw = nullptr;
  int rc = git_repository_open_ext(&raw, path.c_str(), GIT_REPOSITORY_OPEN_NO_SEARCH, nullptr);
  RepoPtr repo(raw);
  if (rc == GIT_ENOTFOUND) return Status::invalid_argument(path + " is not a git repository");
  CORRAL_RETURN_IF_ERROR(git_status(rc, "opening repository " + path));
  return repo;
}

Result<git_oid> parse_oid(const std::string& hex) {
  git_oid oid;
  if (hex.size() != GIT_OID_HEXSZ || git_oid_fromstr(&oid, hex.c_str()) != 0) {
    return Status::invalid_argument("not a commit id: " + hex);
  }
  return oid;
}

std::string oid_hex(const git_oid& oid) {
  char buf[GIT_OID_HEXSZ + 1];
  git_oid_tostr(buf, sizeof buf, &oid);
  return buf;
}

Result<CommitPtr> lookup_commit(git_repository* repo, const std::string& hex) {
  auto oid = parse_oid(hex);
  if (!oid.is_ok()) return oid.status();
  git_commit* raw = nullptr;
  int rc = git_commit_lookup(&raw, repo, &*oid);
  CommitPtr commit(raw);
  CORRAL_RETURN_IF_ERROR(git_status(rc, "looking up commit " + hex));
  return commit;
}

Result<TreePtr> commit_tree(git_commit* commit) {
  git_tree* raw = nullptr;
  int rc = git_commit_tree(&raw, commit);
  TreePtr tree(raw);
  CORRAL_RETURN_IF_ERROR(git_status(rc, "reading tree of commit"));
  return tree;
}

Status check_local_remote(const std::string& url, const std::string& what) {
  if (url.empty()) return Status::ok();
  bool file_url = url.rfind("file://", 0) == 0;
  if (!file_url && url.find("://") != std::string::npos) return Status::ok();  // not local
  std::string path = file_url ? url.substr(7) : url;
  std::error_code ec;
  if (std::filesystem::exists(path, ec)) return Status::ok();
  return Status::not_found(what + " " + url + " does not exist (was it moved or deleted?)");
}

Result<RemotePtr> anonymous_remote(git_repository* repo, const std::string& url, const std::string& what) {
  git_remote_create_options options = GIT_REMOTE_CREATE_OPTIONS_INIT;
  options.repository = repo;
  options.flags = GIT_REMOTE_CREATE_SKIP_INSTEADOF | GIT_REMOTE_CREATE_SKIP_DEFAULT_FETCHSPEC;
  git_remote* raw = nullptr;
  int rc = git_remote_create_with_opts(&raw, url.c_str(), &options);
  RemotePtr remote(raw);
  CORRAL_RETURN_IF_ERROR(git_status(rc, "connecting to " + what));
  return remote;
}

Result<DiffPtr> diff_of_commits(git_repository* repo, const std::string& from, const std::string& to) {
  auto from_commit = lookup_commit(repo, from);
  if (!from_commit.is_ok()) return from_commit.status();
  auto to_commit = lookup_commit(repo, to);
  if (!to_commit.is_ok()) return to_commit.status();
  auto from_tree = commit_tree(from_commit->get());
  if (!from_tree.is_ok()) return from_tree.status();
  auto to_tree = commit_tree(to_commit->get());
  if (!to_tree.is_ok()) return to_tree.status();
  git_diff* raw = nullptr;
  git_diff_options options = GIT_DIFF_OPTIONS_INIT;
  int rc = git_diff_tree_to_tree(&raw, repo, from_tree->get(), to_tree->get(), &options);
  DiffPtr diff(raw);
  CORRAL_RETURN_IF_ERROR(git_status(rc, "diffing commits"));
  return diff;
}

}  // namespace corral::git
