// Reading the user's repository before anything is changed: is it a
// repository, and which commit does a revision name there.
#pragma once

#include <string>

#include "core/status.h"

namespace corral::git {

// The 40-hex commit `rev` (any git revision syntax: HEAD, a branch, a tag,
// an abbreviated id, `main~2`) names in the repository at `repo_path`.
// invalid_argument if the path is not a repository, not_found if the revision
// does not name a commit there.
Result<std::string> resolve_commit(const std::string& repo_path, const std::string& rev);

// resolve_commit's commit, and the reference `rev` names, if it names one
// ("HEAD", "refs/heads/main", "refs/tags/v1"; "" for an id or an expression).
struct ResolvedRevision {
  std::string commit;
  std::string ref;
};
Result<ResolvedRevision> resolve_revision(const std::string& repo_path, const std::string& rev);

// True if `name` is a valid branch name (git's check-ref-format rules).
bool is_valid_branch_name(const std::string& name);

}  // namespace corral::git
