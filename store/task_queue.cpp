#include "store/task_queue.h"

#include <map>

#include "store/statement.h"

namespace corral::store {
namespace {

constexpr const char* kColumns =
    "SELECT id, repo_id, prompt, agent, base_rev, state, reason, submitter, COALESCE(idempotency_key, ''), "
    "priority, attempts, timeout_seconds, seq, created_at, updated_at, target_branch, budget_tokens, budget_calls "
    "FROM tasks ";

QueuedTask read_task(const Statement& row) {
  QueuedTask task;
  // Only TaskQueue writes the column, always a stored_name(); a name it does
  // not know would be a row from a newer corral, shown as failed.
  task.id = row.text(0);
  task.repo_id = row.text(1);
  task.prompt = row.text(2);
  task.agent = row.text(3);
  task.base_rev = row.text(4);
  task.state = parse_state(row.text(5)).value_or(TaskState::kFailed);
  task.reason = row.text(6);
  task.submitter = row.text(7);
  task.idempotency_key = row.text(8);
  task.priority = static_cast<int>(row.integer(9));
  task.attempts = static_cast<int>(row.integer(10));
  task.timeout_seconds = row.integer(11);
  task.seq = row.integer(12);
  task.created_at = row.text(13);
  task.updated_at = row.text(14);
  task.target_branch = row.text(15);
  task.budget_tokens = row.integer(16);
  task.budget_calls = row.integer(17);
  return task;
}

}  // namespace

Result<std::vector<QueuedTask>> TaskQueue::query(const std::string& where, const std::vector<std::string>& args,
                                                 int limit, const std::string& order, int64_t offset) {
  Statement select(db_.handle(), std::string(kColumns) + where + order + " LIMIT ? OFFSET ?");
  if (!select.ok()) return select.error();
  int index = 1;
  for (const std::string& arg : args) select.bind(index++, arg);
  select.bind(index++, static_cast<int64_t>(limit));
  select.bind(index, offset);
  std::vector<QueuedTask> tasks;
  Status status;
  while (select.step(&status)) tasks.push_back(read_task(select));
  CORRAL_RETURN_IF_ERROR(status);
  CORRAL_RETURN_IF_ERROR(load_parents(tasks));
  return tasks;
}

Status TaskQueue::load_parents(std::vector<QueuedTask>& tasks) {
  Statement select(db_.handle(), "SELECT parent_id FROM task_parents WHERE task_id = ? ORDER BY position");
  if (!select.ok()) return select.error();
  for (QueuedTask& task : tasks) {
    select.bind(1, task.id);
    Status status;
    while (select.step(&status)) task.parents.push_back(select.text(0));
    CORRAL_RETURN_IF_ERROR(status);
    select.reset();
  }
  return Status::ok();
}

Result<std::vector<Submission>> TaskQueue::submit(const std::vector<NewTask>& tasks) {
  std::vector<Submission> submissions;
  Status status = db_.in_transaction([&]() -> Status {
    for (const NewTask& task : tasks) {
      if (!task.idempotency_key.empty()) {
        auto existing = query("WHERE idempotency_key = ?", {task.idempotency_key}, 1);
        if (!existing.is_ok()) return existing.status();
        if (!existing->empty()) {
          submissions.push_back({existing->front(), false});
          continue;
        }
      }
      Statement next_seq(db_.handle(), "SELECT COALESCE(MAX(seq), 0) + 1 FROM tasks");
      Status step_status;
      next_seq.step(&step_status);
      CORRAL_RETURN_IF_ERROR(step_status);
      std::string now = format_rfc3339(clock_.now());
      Statement insert(
          db_.handle(),
          "INSERT INTO tasks(id, repo_id, prompt, agent, base_rev, state, reason, created_at, updated_at, "
          "priority, idempotency_key, submitter, timeout_seconds, seq, target_branch, budget_tokens, budget_calls) "
          "VALUES (?,?,?,?,?,'queued','',?,?,?,?,?,?,?,?,?,?)");
      insert.bind(1, task.id).bind(2, task.repo_id).bind(3, task.prompt).bind(4, task.agent).bind(5, task.base_rev);
      insert.bind(6, now).bind(7, now).bind(8, static_cast<int64_t>(task.priority));
      insert.bind_optional(9, task.idempotency_key.empty() ? std::nullopt : std::optional(task.idempotency_key));
      insert.bind(10, task.submitter).bind(11, task.timeout_seconds).bind(12, next_seq.integer(0));
      insert.bind(13, task.target_branch).bind(14, task.budget_tokens).bind(15, task.budget_calls);
      CORRAL_RETURN_IF_ERROR(insert.run().with_context("queueing task " + task.id));
      for (size_t i = 0; i < task.parents.size(); ++i) {
        auto parent = find(task.parents[i]);
        if (!parent.is_ok()) return parent.status();
        if (!*parent)
          return Status::not_found("task " + task.id + " builds on " + task.parents[i] + ", which does not exist");
        Statement link(db_.handle(), "INSERT INTO task_parents(task_id, parent_id, position) VALUES (?,?,?)");
        link.bind(1, task.id).bind(2, task.parents[i]).bind(3, static_cast<int64_t>(i));
        CORRAL_RETURN_IF_ERROR(link.run());
      }
      auto stored = find(task.id);
      if (!stored.is_ok()) return stored.status();
      submissions.push_back({**stored, true});
    }
    return Status::ok();
  });
  if (!status.is_ok()) return status;
  changed();
  return submissions;
}

Result<std::optional<QueuedTask>> TaskQueue::find(const std::string& id) {
  auto tasks = query("WHERE id = ?", {id}, 1);
  if (!tasks.is_ok()) return tasks.status();
  if (tasks->empty()) return std::optional<QueuedTask>();
  return std::optional<QueuedTask>(tasks->front());
}

namespace {

constexpr const char* kFilterWhere =
    " WHERE (? = '' OR repo_id = ?) AND (? = '' OR state = ?) AND (? = '' OR agent = ?) AND (? = '' OR submitter = ?)";

std::vector<std::string> filter_args(const TaskFilter& filter) {
  std::string state = filter.state ? stored_name(*filter.state) : "";
  return {filter.repo_id, filter.repo_id, state, state, filter.agent, filter.agent, filter.submitter, filter.submitter};
}

}  // namespace

Result<std::vector<QueuedTask>> TaskQueue::list(const TaskFilter& filter) {
  return query(kFilterWhere, filter_args(filter), filter.limit,
               filter.newest_first ? " ORDER BY seq DESC" : " ORDER BY seq", filter.offset);
}

Result<std::vector<std::string>> TaskQueue::children(const std::string& id) {
  Statement select(db_.handle(),
                   "SELECT p.task_id FROM task_parents p JOIN tasks t ON t.id = p.task_id WHERE p.parent_id = ? "
                   "ORDER BY t.seq");
  if (!select.ok()) return select.error();
  select.bind(1, id);
  std::vector<std::string> ids;
  Status status;
  while (select.step(&status)) ids.push_back(select.text(0));
  CORRAL_RETURN_IF_ERROR(status);
  return ids;
}

Result<std::vector<std::pair<std::string, std::string>>> TaskQueue::in_states(const std::string& repo_id,
                                                                              const std::vector<TaskState>& states,
                                                                              int limit) {
  std::string marks;
  for (size_t i = 0; i < states.size(); ++i) marks += i ? ",?" : "?";
  Statement select(db_.handle(),
                   "SELECT id, state FROM tasks WHERE state IN (" + marks + ") AND repo_id = ? ORDER BY seq LIMIT ?");
  int index = 1;
  for (TaskState state : states) select.bind(index++, stored_name(state));
  select.bind(index++, repo_id).bind(index, static_cast<int64_t>(limit));
  return query_all<std::pair<std::string, std::string>>(
      select, [](const Statement& row) { return std::pair(row.text(0), row.text(1)); });
}

Result<std::vector<std::pair<std::string, int64_t>>> TaskQueue::count_by_state() {
  Statement select(db_.handle(), "SELECT state, COUNT(*) FROM tasks GROUP BY state ORDER BY state");
  return query_all<std::pair<std::string, int64_t>>(
      select, [](const Statement& row) { return std::pair(row.text(0), row.integer(1)); });
}

Result<int64_t> TaskQueue::count(const TaskFilter& filter) {
  Statement select(db_.handle(), std::string("SELECT COUNT(*) FROM tasks") + kFilterWhere);
  if (!select.ok()) return select.error();
  int index = 1;
  for (const std::string& arg : filter_args(filter)) select.bind(index++, arg);
  Status status;
  if (!select.step(&status)) return status;
  return select.integer(0);
}

Status TaskQueue::transition(const std::string& id, const std::vector<TaskState>& from, TaskState to,
                             const std::string& reason) {
  for (TaskState state : from) {
    if (!is_legal_move(state, to)) {
      return Status::internal(std::string("a task never moves from ") + stored_name(state) + " to " + stored_name(to));
    }
  }
  std::string placeholders;
  for (size_t i = 0; i < from.size(); ++i) placeholders += i ? ",?" : "?";
  Statement update(db_.handle(), "UPDATE tasks SET state = ?, reason = ?, updated_at = ? WHERE id = ? AND state IN (" +
                                     placeholders + ")");
  if (!update.ok()) return update.error();
  update.bind(1, stored_name(to)).bind(2, reason).bind(3, format_rfc3339(clock_.now())).bind(4, id);
  int column = 5;
  for (TaskState state : from) update.bind(column++, stored_name(state));
  CORRAL_RETURN_IF_ERROR(update.run());
  if (db_.changes() == 1) {
    changed();
    return Status::ok();
  }
  auto task = find(id);
  if (!task.is_ok()) return task.status();
  if (!*task) return Status::not_found("no task " + id);
  return Status::failed_precondition("task " + id + " is " + stored_name((*task)->state) + ", not " +
                                     stored_name(from.front()));
}

Status TaskQueue::set_agent(const std::string& id, const std::string& agent) {
  Statement update(db_.handle(), "UPDATE tasks SET agent = ?, updated_at = ? WHERE id = ?");
  if (!update.ok()) return update.error();
  CORRAL_RETURN_IF_ERROR(update.bind(1, agent).bind(2, format_rfc3339(clock_.now())).bind(3, id).run());
  if (db_.changes() == 0) return Status::not_found("no task " + id);
  return Status::ok();
}

Result<int> TaskQueue::replace_parent(const std::string& parent, const std::string& replacement,
                                      const std::vector<TaskState>& states) {
  std::string in_states;
  for (TaskState state : states) in_states += std::string(in_states.empty() ? "'" : ",'") + stored_name(state) + "'";
  Statement update(db_.handle(),
                   "UPDATE task_parents SET parent_id = ? WHERE parent_id = ? AND task_id IN "
                   "(SELECT id FROM tasks WHERE state IN (" +
                       in_states + "))");
  if (!update.ok()) return update.error();
  CORRAL_RETURN_IF_ERROR(update.bind(1, replacement).bind(2, parent).run());
  int moved = db_.changes();
  if (moved > 0) changed();
  return moved;
}

Status TaskQueue::set_base_rev(const std::string& id, const std::string& base_rev) {
  Statement update(db_.handle(), "UPDATE tasks SET base_rev = ?, updated_at = ? WHERE id = ?");
  if (!update.ok()) return update.error();
  CORRAL_RETURN_IF_ERROR(update.bind(1, base_rev).bind(2, format_rfc3339(clock_.now())).bind(3, id).run());
  if (db_.changes() == 0) return Status::not_found("no task " + id);
  return Status::ok();
}

Status TaskQueue::forgive_attempt(const std::string& id) {
  Statement update(db_.handle(), "UPDATE tasks SET attempts = MAX(attempts - 1, 0) WHERE id = ?");
  update.bind(1, id);
  return update.run();
}

Status TaskQueue::count_attempt(const std::string& id) {
  Statement update(db_.handle(), "UPDATE tasks SET attempts = attempts + 1 WHERE id = ?");
  update.bind(1, id);
  return update.run();
}

}  // namespace corral::store
