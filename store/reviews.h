// What the commit step found in a task's diff, and the reviewers' verdicts on
// it. Verdicts bind to the diff's hash: a new diff (a new run) starts a new
// review, and verdicts on the old hash no longer count.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "store/database.h"

namespace corral::store {

struct ReviewRecord {
  std::string task_id;
  std::string run_id;
  std::string diff_hash;  // sha256 of the patch base..head
  std::string base_commit;
  std::string head_commit;
  std::string decision;  // pass, needs_approval, refuse (policy/diff_checks)
  int approvals_required = 0;
  std::string findings = "[]";  // JSON array
  std::string created_at;
  // Set when a rebase changed an approved change and sent it back to review:
  // the diff approved before, which the reviewer sees the new one against.
  std::string approved_base = {};
  std::string approved_head = {};
};

struct Verdict {
  std::string task_id;
  std::string diff_hash;
  std::string reviewer;
  std::string verdict;  // approved, rejected
  std::string reason;
  std::string created_at;
};

class Reviews {
 public:
  Reviews(Database& db, const Clock& clock) : db_(db), clock_(clock) {}

  // Records the task's review, replacing an earlier one (a new diff).
  Status put(const ReviewRecord& review);
  Result<std::optional<ReviewRecord>> find(const std::string& task_id);
  // Reviews of tasks now in state `task_state`, optionally of one repository, oldest first.
  Result<std::vector<ReviewRecord>> of_tasks_in(const std::string& task_state, const std::string& repo_id);

  struct Proposal {
    std::string task_id;
    std::string run_id;
  };
  // Tasks whose latest run succeeded with a change that has no review yet
  // (the commit step's next proposals), oldest first.
  Result<std::vector<Proposal>> awaiting_proposal(int limit);

  // already_exists if `verdict.reviewer` already judged this diff.
  Status add_verdict(const Verdict& verdict);
  Result<std::vector<Verdict>> verdicts(const std::string& task_id, const std::string& diff_hash);

 private:
  Database& db_;
  const Clock& clock_;
};

}  // namespace corral::store
