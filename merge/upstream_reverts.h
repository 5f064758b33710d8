// Reverts that reach a shared branch from outside corral (a person's
// `git revert` of a commit corral merged, pushed upstream) are rollbacks too:
// the task whose commit they revert ends rolled_back, routing learns it, and
// rollback.recorded names the revert. Found whenever corral looks at the
// upstream (merges, rollbacks, owners' branch moves).
#pragma once

#include <vector>

#include "core/data_layout.h"
#include "git/ancestry.h"
#include "merge/repo_context.h"
#include "policy/access.h"
#include "store/store.h"

namespace corral::merge {

// `arrived`: the commits the upstream gained from elsewhere (shared_branch.h).
Status record_upstream_reverts(store::Store& store, const RepoContext& repo,
                               const std::vector<git::CommitInfo>& arrived);

}  // namespace corral::merge
