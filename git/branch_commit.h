// Internal to git/: the last step of collecting a run, shared by both ways of
// reading a workspace (snapshot.h, change_commit.h): a tree becomes a commit
// on the base, and the task branch moves to it only from the base.
#pragma once

#include "git/git_handles.h"
#include "git/snapshot.h"

namespace corral::git {

// `tree` equal to the base's tree: nothing changed, no commit is written.
Result<Snapshot> commit_on_branch(git_repository* repo, git_commit* base, const git_oid& tree,
                                  const std::string& branch, const CommitDetails& details, TimePoint when);

}  // namespace corral::git
