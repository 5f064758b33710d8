#include "policy/access.h"

#include <gtest/gtest.h>

namespace corral::policy {
namespace {

TEST(Access, EachRoleMayDoWhatItsTableSays) {
  struct Case {
    const char* role;
    Action action;
    bool allowed;
  };
  const Case kCases[] = {
      {"admin", Action::kManageTokens, true},
      {"admin", Action::kReview, true},
      {"owner", Action::kManageRepo, true},
      {"owner", Action::kReview, true},
      {"owner", Action::kManageTokens, false},
      {"reviewer", Action::kReview, true},
      {"reviewer", Action::kRead, true},
      {"reviewer", Action::kSubmit, false},
      {"reviewer", Action::kManageRepo, false},
      {"submitter", Action::kSubmit, true},
      {"submitter", Action::kRetry, true},
      {"submitter", Action::kReview, false},
      {"submitter", Action::kManageRepo, false},
      {"submitter", Action::kAddRepo, false},
      {"agent", Action::kRead, true},
      {"agent", Action::kReview, false},
      {"agent", Action::kSubmit, false},
      {"agent", Action::kManageRepo, false},
      {"stranger", Action::kRead, false},
  };
  for (const Case& c : kCases) {
    Caller caller{"someone", c.role, "*"};
    EXPECT_EQ(check_access(caller, c.action, "repo-1").is_ok(), c.allowed)
        << c.role << " action " << static_cast<int>(c.action);
  }
}

TEST(Access, ScopesLimitEveryRoleAdminToo) {
  Caller reviewer{"rita", "reviewer", "repo-1"};
  EXPECT_TRUE(check_access(reviewer, Action::kReview, "repo-1").is_ok());
  Status other = check_access(reviewer, Action::kReview, "repo-2");
  EXPECT_EQ(other.code(), Code::kPermissionDenied);
  EXPECT_EQ(other.message(), "rita may not approve or reject diffs on repo-2");
  Caller scoped_admin{"root", "admin", "repo-1"};
  EXPECT_TRUE(check_access(scoped_admin, Action::kManageRepo, "repo-1").is_ok());
  EXPECT_EQ(check_access(scoped_admin, Action::kManageRepo, "repo-2").code(), Code::kPermissionDenied);
  EXPECT_EQ(check_access(scoped_admin, Action::kManageTokens, "").code(), Code::kPermissionDenied)
      << "tokens are every repository's business";
  EXPECT_TRUE(check_access({"root", "admin", "*"}, Action::kManageTokens, "").is_ok());
}

TEST(Access, TheAgentRoleIsARole) {
  EXPECT_TRUE(is_valid_role("agent"));
  EXPECT_FALSE(is_valid_role("superuser"));
}

}  // namespace
}  // namespace corral::policy
