#include "store/reviews.h"

#include "store/statement.h"

namespace corral::store {
namespace {

constexpr const char* kReviewColumns =
    "SELECT r.task_id, r.run_id, r.diff_hash, r.base_commit, r.head_commit, r.decision, r.approvals_required, "
    "r.findings, r.created_at, r.approved_base, r.approved_head FROM reviews r ";

ReviewRecord read_review(const Statement& row) {
  return {
      row.text(0), row.text(1), row.text(2), row.text(3), row.text(4), row.text(5), static_cast<int>(row.integer(6)),
      row.text(7), row.text(8), row.text(9), row.text(10)};
}

}  // namespace

Status Reviews::put(const ReviewRecord& review) {
  Statement upsert(
      db_.handle(),
      "INSERT OR REPLACE INTO reviews(task_id, run_id, diff_hash, base_commit, head_commit, decision, "
      "approvals_required, findings, created_at, approved_base, approved_head) VALUES (?,?,?,?,?,?,?,?,?,?,?)");
  if (!upsert.ok()) return upsert.error();
  upsert.bind(1, review.task_id).bind(2, review.run_id).bind(3, review.diff_hash).bind(4, review.base_commit);
  upsert.bind(5, review.head_commit).bind(6, review.decision).bind(7, static_cast<int64_t>(review.approvals_required));
  upsert.bind(8, review.findings).bind(9, format_rfc3339(clock_.now()));
  upsert.bind(10, review.approved_base).bind(11, review.approved_head);
  return upsert.run().with_context("saving the review of " + review.task_id);
}

Result<std::optional<ReviewRecord>> Reviews::find(const std::string& task_id) {
  Statement query(db_.handle(), std::string(kReviewColumns) + "WHERE r.task_id = ?");
  query.bind(1, task_id);
  return query_one<ReviewRecord>(query, read_review);
}

Result<std::vector<ReviewRecord>> Reviews::of_tasks_in(const std::string& task_state, const std::string& repo_id) {
  Statement query(db_.handle(), std::string(kReviewColumns) +
                                    "JOIN tasks t ON t.id = r.task_id WHERE t.state = ? AND (? = '' OR t.repo_id = ?) "
                                    "ORDER BY t.seq");
  query.bind(1, task_state).bind(2, repo_id).bind(3, repo_id);
  return query_all<ReviewRecord>(query, read_review);
}

Result<std::vector<Reviews::Proposal>> Reviews::awaiting_proposal(int limit) {
  Statement query(db_.handle(),
                  "SELECT t.id, u.id FROM tasks t JOIN runs u ON u.task_id = t.id AND u.state = 'succeeded' "
                  "AND u.head_commit IS NOT NULL AND u.head_commit != u.base_commit "
                  "WHERE t.state = 'succeeded' AND NOT EXISTS "
                  "(SELECT 1 FROM reviews r WHERE r.task_id = t.id AND r.run_id = u.id) ORDER BY t.seq LIMIT ?");
  query.bind(1, static_cast<int64_t>(limit));
  return query_all<Proposal>(query, [](const Statement& row) { return Proposal{row.text(0), row.text(1)}; });
}

Status Reviews::add_verdict(const Verdict& verdict) {
  Statement insert(db_.handle(),
                   "INSERT INTO approvals(task_id, diff_hash, reviewer, verdict, reason, created_at) "
                   "VALUES (?,?,?,?,?,?)");
  if (!insert.ok()) return insert.error();
  insert.bind(1, verdict.task_id).bind(2, verdict.diff_hash).bind(3, verdict.reviewer).bind(4, verdict.verdict);
  insert.bind(5, verdict.reason).bind(6, format_rfc3339(clock_.now()));
  Status status = insert.run();
  if (!status.is_ok() && status.message().find("UNIQUE") != std::string::npos) {
    return Status::already_exists(verdict.reviewer + " already gave a verdict on this diff of " + verdict.task_id);
  }
  return status;
}

Result<std::vector<Verdict>> Reviews::verdicts(const std::string& task_id, const std::string& diff_hash) {
  Statement query(db_.handle(),
                  "SELECT task_id, diff_hash, reviewer, verdict, reason, created_at FROM approvals "
                  "WHERE task_id = ? AND diff_hash = ? ORDER BY id");
  query.bind(1, task_id).bind(2, diff_hash);
  return query_all<Verdict>(query, [](const Statement& row) {
    return Verdict{row.text(0), row.text(1), row.text(2), row.text(3), row.text(4), row.text(5)};
  });
}

}  // namespace corral::store
