#include "policy/access.h"

#include <array>

namespace corral::policy {
namespace {

const char* action_name(Action action) {
  switch (action) {
    case Action::kSubmit:
      return "submit tasks";
    case Action::kRead:
      return "read";
    case Action::kCancel:
      return "cancel tasks";
    case Action::kRetry:
      return "retry tasks";
    case Action::kAddRepo:
      return "add repositories";
    case Action::kManageTokens:
      return "manage tokens";
    case Action::kReview:
      return "approve or reject diffs";
    case Action::kManageRepo:
      return "change repository settings, branches or history";
  }
  return "act";
}

bool role_allows(const std::string& role, Action action) {
  if (role == "admin") return true;
  if (action == Action::kManageTokens) return false;
  if (role == "owner") return true;
  if (role == "submitter") {
    return action == Action::kSubmit || action == Action::kRead || action == Action::kCancel ||
           action == Action::kRetry;
  }
  if (role == "reviewer") return action == Action::kRead || action == Action::kReview;
  if (role == "agent") return action == Action::kRead;
  return false;
}

}  // namespace

bool is_valid_role(const std::string& role) {
  static constexpr std::array<const char*, 5> kRoles = {"admin", "owner", "reviewer", "submitter", "agent"};
  for (const char* known : kRoles) {
    if (role == known) return true;
  }
  return false;
}

Status check_access(const Caller& caller, Action action, const std::string& repo_id) {
  if (!role_allows(caller.role, action)) {
    return Status::permission_denied("role " + caller.role + " may not " + action_name(action));
  }
  bool in_scope = caller.repo_scope == "*" || (!repo_id.empty() && repo_id != "*" && caller.repo_scope == repo_id);
  // A scoped admin (a token made before scoped admins were refused) is
  // confined to its scope like every other role.
  if (!in_scope) {
    return Status::permission_denied(caller.name + " may not " + action_name(action) + " on " +
                                     (repo_id.empty() ? std::string("every repository") : repo_id));
  }
  return Status::ok();
}

}  // namespace corral::policy
