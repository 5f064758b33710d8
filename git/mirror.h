// The bare mirror corral keeps of each repository under the data directory.
// Agents never see it: worktrees are made from it, task branches live in it,
// and only corral writes its refs and objects.
//
// Callers serialise writers of one mirror (runner holds a FileLock).
#pragma once

#include <string>

#include "core/status.h"

namespace corral::git {

// Creates the mirror if missing (a local source's objects hard-linked into it,
// as `git clone --local` does, so the first sync costs what a clone does),
// then fetches the source's branches, tags and
// HEAD into it, under refs/source/. The mirror's refs/heads/ holds only task
// branches (corral/*), which a fetch therefore never moves.
Status sync_mirror(const std::string& source_path, const std::string& mirror_path);

// The commit `rev` names in the source, made present in the mirror at the
// least cost: nothing is fetched when the mirror has it already; otherwise
// only the ref `rev` names (HEAD, a branch, a tag), or everything when it
// names none (a commit id); a mirror that does not exist yet gets everything.
// A run needs its base and no more: the source may hold thousands of
// branches. not_found if `rev` does not exist in the source.
Result<std::string> fetch_revision(const std::string& source_path, const std::string& mirror_path,
                                   const std::string& rev);

// True if the mirror has the commit (after sync: whether it is reachable from
// the source's branches, tags or HEAD).
bool has_commit(const std::string& mirror_path, const std::string& commit);

// Branch operations on the mirror. create_branch fails if it exists.
// Removes the lock files of references (`refs/**.lock`, `packed-refs.lock`)
// a writer killed mid-update left in the mirror: libgit2 refuses to update a
// locked reference, so one left behind would fail every later move of it.
// The caller holds the mirror's writer lock, which every corral writer of the
// mirror holds while it writes: whatever lock file is there then is stale.
// How many were removed.
Result<int> remove_stale_ref_locks(const std::string& mirror_path);

Status create_branch(const std::string& mirror_path, const std::string& branch, const std::string& commit);
Status delete_branch(const std::string& mirror_path, const std::string& branch);
// The commit a branch points at; not_found if it does not exist.
Result<std::string> branch_commit(const std::string& repo_path, const std::string& branch);

}  // namespace corral::git
