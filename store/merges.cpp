#include "store/merges.h"

#include "store/statement.h"

namespace corral::store {

namespace {

constexpr std::pair<MergeState, const char*> kMergeStateNames[] = {
    {MergeState::kPending, "pending"},
    {MergeState::kPrepared, "prepared"},
    {MergeState::kAdvanced, "advanced"},
    {MergeState::kDone, "done"},
};

// Only MergeLog writes the column; a name it does not know (a newer corral's)
// reads as pending, from which a merge starts over and checks the branch first.
MergeState parse_merge_state(const std::string& stored) {
  for (const auto& [state, name] : kMergeStateNames) {
    if (stored == name) return state;
  }
  return MergeState::kPending;
}

}  // namespace

const char* stored_name(MergeState state) {
  for (const auto& [known, name] : kMergeStateNames) {
    if (known == state) return name;
  }
  return "pending";
}

Result<MergeRecord> MergeLog::open(const std::string& task_id, const std::string& repo_id, const std::string& branch) {
  Statement insert(
      db_.handle(),
      "INSERT OR IGNORE INTO merges(task_id, repo_id, branch, state, updated_at) VALUES (?,?,?,'pending',?)");
  if (!insert.ok()) return insert.error();
  insert.bind(1, task_id).bind(2, repo_id).bind(3, branch).bind(4, format_rfc3339(clock_.now()));
  CORRAL_RETURN_IF_ERROR(insert.run());
  auto found = find(task_id);
  if (!found.is_ok()) return found.status();
  if (!*found) return Status::internal("merge record of " + task_id + " vanished");
  return **found;
}

Result<std::optional<MergeRecord>> MergeLog::find(const std::string& task_id) {
  Statement query(db_.handle(),
                  "SELECT task_id, repo_id, branch, state, old_tip, new_tip, attempts, updated_at FROM merges "
                  "WHERE task_id = ?");
  query.bind(1, task_id);
  return query_one<MergeRecord>(query, [](const Statement& row) {
    return MergeRecord{row.text(0),
                       row.text(1),
                       row.text(2),
                       parse_merge_state(row.text(3)),
                       row.text(4),
                       row.text(5),
                       static_cast<int>(row.integer(6)),
                       row.text(7)};
  });
}

Status MergeLog::set(const std::string& task_id, MergeState state, const std::string& old_tip,
                     const std::string& new_tip) {
  Statement update(db_.handle(),
                   "UPDATE merges SET state = ?, old_tip = ?, new_tip = ?, updated_at = ?, "
                   "attempts = attempts + (? = 'prepared') WHERE task_id = ?");
  if (!update.ok()) return update.error();
  update.bind(1, stored_name(state)).bind(2, old_tip).bind(3, new_tip).bind(4, format_rfc3339(clock_.now()));
  update.bind(5, stored_name(state)).bind(6, task_id);
  CORRAL_RETURN_IF_ERROR(update.run());
  if (db_.changes() == 0) return Status::not_found("no merge record for " + task_id);
  return Status::ok();
}

}  // namespace corral::store
