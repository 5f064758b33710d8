#include "store/records.h"

#include "core/ids.h"
#include "store/statement.h"

namespace corral::store {
namespace {

RepoRecord read_repo(const Statement& row) { return {row.text(0), row.text(1), row.text(2), row.text(3), row.text(4)}; }

RunRecord read_run(const Statement& row) {
  RunRecord run;
  run.id = row.text(0);
  run.task_id = row.text(1);
  run.state = row.text(2);
  run.base_commit = row.text(3);
  run.head_commit = row.text(4);
  if (!row.is_null(5)) run.exit_code = row.integer(5);
  run.reason = row.text(6);
  run.started_at = row.text(7);
  if (!row.is_null(8)) run.finished_at = row.text(8);
  return run;
}

constexpr const char* kRepoColumns = "SELECT id, source_path, mirror_path, created_at, settings FROM repos ";
constexpr const char* kRunColumns =
    "SELECT id, task_id, state, base_commit, head_commit, exit_code, reason, started_at, "
    "finished_at FROM runs ";

}  // namespace

Result<RepoRecord> Records::ensure_repo(const std::string& source_path,
                                        const std::function<std::string(const std::string&)>& mirror_path_for) {
  RepoRecord repo;
  Status status = db_.in_transaction([&]() -> Status {
    Statement find(db_.handle(), std::string(kRepoColumns) + "WHERE source_path = ?");
    find.bind(1, source_path);
    auto existing = query_one<RepoRecord>(find, read_repo);
    if (!existing.is_ok()) return existing.status();
    if (*existing) {
      repo = **existing;
      return Status::ok();
    }
    repo.id = new_id("repo");
    repo.source_path = source_path;
    repo.mirror_path = mirror_path_for(repo.id);
    repo.created_at = format_rfc3339(clock_.now());
    Statement insert(db_.handle(), "INSERT INTO repos(id, source_path, mirror_path, created_at) VALUES (?,?,?,?)");
    insert.bind(1, repo.id).bind(2, repo.source_path).bind(3, repo.mirror_path).bind(4, repo.created_at);
    return insert.run();
  });
  if (!status.is_ok()) return status.with_context("registering repository " + source_path);
  return repo;
}

Result<std::optional<RepoRecord>> Records::find_repo(const std::string& repo_id) {
  Statement find(db_.handle(), std::string(kRepoColumns) + "WHERE id = ?");
  find.bind(1, repo_id);
  return query_one<RepoRecord>(find, read_repo);
}

Status Records::set_repo_settings(const std::string& repo_id, const std::string& settings_json) {
  Statement update(db_.handle(), "UPDATE repos SET settings = ? WHERE id = ?");
  if (!update.ok()) return update.error();
  CORRAL_RETURN_IF_ERROR(update.bind(1, settings_json).bind(2, repo_id).run());
  if (db_.changes() == 0) return Status::not_found("no repository " + repo_id);
  return Status::ok();
}

Status Records::insert_run(const RunRecord& run) {
  Statement insert(db_.handle(), "INSERT INTO runs(id, task_id, state, base_commit, started_at) VALUES (?,?,?,?,?)");
  if (!insert.ok()) return insert.error();
  insert.bind(1, run.id).bind(2, run.task_id).bind(3, run.state).bind(4, run.base_commit);
  insert.bind(5, run.started_at.empty() ? format_rfc3339(clock_.now()) : run.started_at);
  return insert.run().with_context("saving run " + run.id);
}

Status Records::finish_run(const RunRecord& run) {
  Statement update(db_.handle(),
                   "UPDATE runs SET state = ?, base_commit = ?, head_commit = ?, exit_code = ?, "
                   "reason = ?, finished_at = ? WHERE id = ?");
  if (!update.ok()) return update.error();
  update.bind(1, run.state).bind(2, run.base_commit).bind(3, run.head_commit);
  if (run.exit_code) {
    update.bind(4, *run.exit_code);
  } else {
    update.bind_null(4);
  }
  update.bind(5, run.reason).bind(6, format_rfc3339(clock_.now())).bind(7, run.id);
  return update.run().with_context("finishing run " + run.id);
}

Result<std::optional<RunRecord>> Records::find_run(const std::string& run_id) {
  Statement find(db_.handle(), std::string(kRunColumns) + "WHERE id = ?");
  find.bind(1, run_id);
  return query_one<RunRecord>(find, read_run);
}

Result<std::vector<RunRecord>> Records::runs_of_task(const std::string& task_id) {
  Statement find(db_.handle(), std::string(kRunColumns) + "WHERE task_id = ? ORDER BY started_at, id");
  find.bind(1, task_id);
  return query_all<RunRecord>(find, read_run);
}

Result<std::vector<RepoRecord>> Records::repos() {
  Statement find(db_.handle(), std::string(kRepoColumns) + "ORDER BY created_at, id");
  return query_all<RepoRecord>(find, read_repo);
}

Result<std::vector<RunRecord>> Records::unfinished_runs() {
  Statement find(db_.handle(), std::string(kRunColumns) + "WHERE finished_at IS NULL ORDER BY id");
  return query_all<RunRecord>(find, read_run);
}

}  // namespace corral::store
