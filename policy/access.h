// Who is calling and what they may do: roles scoped to repositories.
//
//   admin      everything, every repository, tokens
//   owner      in its scope: everything but tokens (settings, branches, rollbacks)
//   reviewer   in its scope: read, approve and reject diffs
//   submitter  in its scope: submit, read, cancel and retry
//   agent      a run's own token: read, never approve or change anything
//
// Pure: the caller is established elsewhere (token or socket peer).
#pragma once

#include <string>

#include "core/status.h"

namespace corral::policy {

struct Caller {
  std::string name;              // token name, or "local:<uid>"
  std::string role;              // admin, owner, reviewer, submitter, agent
  std::string repo_scope = "*";  // a repository id or "*"
};

enum class Action { kSubmit, kRead, kCancel, kRetry, kAddRepo, kManageTokens, kReview, kManageRepo };

// ok, or permission_denied saying which role and scope were missing.
// `repo_id` is the repository acted on ("" for actions on no repository).
Status check_access(const Caller& caller, Action action, const std::string& repo_id);

bool is_valid_role(const std::string& role);

}  // namespace corral::policy
