#include "store/outcomes.h"

#include <chrono>

#include "store/statement.h"

namespace corral::store {

Status Outcomes::record(const std::string& repo_id, const std::string& task_id, const std::string& agent,
                        const std::string& kind) {
  Statement insert(db_.handle(), "INSERT INTO outcomes(repo_id, task_id, agent, kind, at_ms) VALUES (?,?,?,?,?)");
  if (!insert.ok()) return insert.error();
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(clock_.now().time_since_epoch()).count();
  insert.bind(1, repo_id).bind(2, task_id).bind(3, agent).bind(4, kind).bind(5, static_cast<int64_t>(ms));
  return insert.run().with_context("recording the outcome of " + task_id);
}

Result<std::vector<OutcomeRecord>> Outcomes::of_repo(const std::string& repo_id) {
  Statement query(db_.handle(),
                  "SELECT repo_id, task_id, agent, kind, at_ms FROM outcomes WHERE repo_id = ? ORDER BY id");
  query.bind(1, repo_id);
  return query_all<OutcomeRecord>(query, [](const Statement& row) {
    return OutcomeRecord{row.text(0), row.text(1), row.text(2), row.text(3), row.integer(4)};
  });
}

Result<TierRecord> Outcomes::tier(const std::string& repo_id) {
  Statement query(
      db_.handle(),
      "SELECT repo_id, tier, outcomes_since_change, rule, reason, changed_at FROM repo_tiers WHERE repo_id = ?");
  query.bind(1, repo_id);
  auto found = query_one<TierRecord>(query, [](const Statement& row) {
    return TierRecord{row.text(0), row.text(1), static_cast<int>(row.integer(2)),
                      row.text(3), row.text(4), row.text(5)};
  });
  if (!found.is_ok()) return found.status();
  if (*found) return **found;
  TierRecord fresh;
  fresh.repo_id = repo_id;
  fresh.rule = "new repository";
  fresh.reason = "a new repository starts at the lowest tier";
  return fresh;
}

Status Outcomes::set_tier(const TierRecord& tier) {
  Statement upsert(db_.handle(),
                   "INSERT OR REPLACE INTO repo_tiers(repo_id, tier, outcomes_since_change, rule, reason, changed_at) "
                   "VALUES (?,?,?,?,?,?)");
  if (!upsert.ok()) return upsert.error();
  upsert.bind(1, tier.repo_id).bind(2, tier.tier).bind(3, static_cast<int64_t>(tier.outcomes_since_change));
  upsert.bind(4, tier.rule).bind(5, tier.reason);
  upsert.bind(6, tier.changed_at.empty() ? format_rfc3339(clock_.now()) : tier.changed_at);
  return upsert.run().with_context("saving the tier of " + tier.repo_id);
}

}  // namespace corral::store
