// Internal to git/: owning handles for libgit2 objects, library start-up, and
// the one place a libgit2 error code becomes a Status. Include only from git/*.cpp.
#pragma once

#include <git2.h>
#include <git2/sys/repository.h>

#include <memory>
#include <string>
#include <string_view>

#include "core/status.h"

namespace corral::git {

template <typename T, void (*Free)(T*)>
struct Freer {
  void operator()(T* object) const { Free(object); }
};

using RepoPtr = std::unique_ptr<git_repository, Freer<git_repository, git_repository_free>>;
using CommitPtr = std::unique_ptr<git_commit, Freer<git_commit, git_commit_free>>;
using TreePtr = std::unique_ptr<git_tree, Freer<git_tree, git_tree_free>>;
using IndexPtr = std::unique_ptr<git_index, Freer<git_index, git_index_free>>;
using ObjectPtr = std::unique_ptr<git_object, Freer<git_object, git_object_free>>;
using ReferencePtr = std::unique_ptr<git_reference, Freer<git_reference, git_reference_free>>;
using RemotePtr = std::unique_ptr<git_remote, Freer<git_remote, git_remote_free>>;
using WorktreePtr = std::unique_ptr<git_worktree, Freer<git_worktree, git_worktree_free>>;
using DiffPtr = std::unique_ptr<git_diff, Freer<git_diff, git_diff_free>>;
using PatchPtr = std::unique_ptr<git_patch, Freer<git_patch, git_patch_free>>;
using SignaturePtr = std::unique_ptr<git_signature, Freer<git_signature, git_signature_free>>;

// Initialises libgit2 once per process (thread-safe).
void ensure_libgit2();

// A local remote (a path or a file:// URL) that is not there: not_found
// naming it, instead of libgit2's "unsupported URL protocol". ok otherwise.
Status check_local_remote(const std::string& url, const std::string& what);

// A remote for `url` that no configuration names (nothing is written to
// `repo`'s config); `what` names it in errors. The user's
// `url.<base>.insteadOf` rewrites are not applied: libgit2 1.5 leaks ~50 KB
// in its regex match each time a remote reads them, which grew the daemon by
// that much on every mirror sync, publish and upstream call.
Result<RemotePtr> anonymous_remote(git_repository* repo, const std::string& url, const std::string& what);

// ok for rc >= 0; otherwise a Status with `what` and libgit2's last message.
Status git_status(int rc, std::string_view what);

// Opens a repository at exactly `path` (no search upwards).
Result<RepoPtr> open_repository(const std::string& path);

// Parses a 40-hex object id.
Result<git_oid> parse_oid(const std::string& hex);
std::string oid_hex(const git_oid& oid);

// The commit and tree a hex id names in `repo`.
Result<CommitPtr> lookup_commit(git_repository* repo, const std::string& hex);
Result<TreePtr> commit_tree(git_commit* commit);
// The diff between the trees of two commits (default options, no renames found yet).
Result<DiffPtr> diff_of_commits(git_repository* repo, const std::string& from, const std::string& to);

}  // namespace corral::git
