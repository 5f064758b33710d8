// What a scheduling pass reads: bounded by the running tasks, the blocked
// ones and a page of candidates, so a pass costs the same with 10 or 10,000
// tasks queued (the queue's order is an index: state, priority, submission).
#include <nlohmann/json.hpp>

#include <algorithm>
#include <map>
#include <set>

#include "store/statement.h"
#include "store/task_queue.h"

namespace corral::store {
namespace {

constexpr const char* kSummaryColumns = "SELECT id, repo_id, agent, priority, seq, state FROM tasks t ";

// "'a','b'": the stored names of the states `keep` selects (fixed words, so
// they can sit in the SQL text).
std::string states_where(bool (*keep)(TaskState)) {
  std::string list;
  for (int i = 0; i <= static_cast<int>(TaskState::kMergeFailed); ++i) {
    auto state = static_cast<TaskState>(i);
    if (keep(state)) list += std::string(list.empty() ? "'" : ",'") + stored_name(state) + "'";
  }
  return list;
}

bool lacks_usable_branch(TaskState state) { return !has_usable_branch(state); }

std::string json_list(const std::vector<std::string>& values) { return nlohmann::json(values).dump(); }

}  // namespace

Result<std::vector<TaskSummary>> TaskQueue::summaries(const std::string& where, const std::vector<std::string>& args) {
  Statement select(db_.handle(), kSummaryColumns + where);
  if (!select.ok()) return select.error();
  int index = 1;
  for (const std::string& arg : args) select.bind(index++, arg);
  std::vector<TaskSummary> tasks;
  Status status;
  while (select.step(&status)) {
    TaskSummary task;
    task.id = select.text(0);
    task.repo_id = select.text(1);
    task.agent = select.text(2);
    task.priority = static_cast<int>(select.integer(3));
    task.seq = select.integer(4);
    task.state = parse_state(select.text(5)).value_or(TaskState::kFailed);
    tasks.push_back(std::move(task));
  }
  CORRAL_RETURN_IF_ERROR(status);
  return tasks;
}

Status TaskQueue::add_parents(std::vector<TaskSummary>& tasks) {
  std::vector<std::string> ids;
  for (const TaskSummary& task : tasks) ids.push_back(task.id);
  Statement select(db_.handle(),
                   "SELECT task_id, parent_id FROM task_parents WHERE task_id IN (SELECT value FROM json_each(?)) "
                   "ORDER BY task_id, position");
  if (!select.ok()) return select.error();
  select.bind(1, json_list(ids));
  std::map<std::string, std::vector<std::string>> parents_of;
  Status status;
  while (select.step(&status)) parents_of[select.text(0)].push_back(select.text(1));
  CORRAL_RETURN_IF_ERROR(status);
  for (TaskSummary& task : tasks) task.parents = std::move(parents_of[task.id]);
  return Status::ok();
}

Result<std::vector<TaskSummary>> TaskQueue::running_tasks() {
  CORRAL_ASSIGN_OR_RETURN(auto running, summaries("WHERE state = 'running' ORDER BY seq", {}));
  CORRAL_RETURN_IF_ERROR(add_parents(running));
  return running;
}

Result<std::vector<TaskSummary>> TaskQueue::scheduling_snapshot(const CandidateFilter& filter) {
  CORRAL_ASSIGN_OR_RETURN(auto tasks, summaries("WHERE state = 'running'", {}));
  static const std::string blocking = states_where(blocks_dependents);
  CORRAL_ASSIGN_OR_RETURN(auto blocked, summaries("WHERE state = 'queued' AND EXISTS (SELECT 1 FROM task_parents p "
                                                  "JOIN tasks parent ON parent.id = p.parent_id WHERE p.task_id = "
                                                  "t.id AND parent.state IN (" +
                                                      blocking + "))",
                                                  {}));
  tasks.insert(tasks.end(), blocked.begin(), blocked.end());
  if (filter.candidates > 0) {
    static const std::string unusable = states_where(lacks_usable_branch);
    CORRAL_ASSIGN_OR_RETURN(
        auto candidates,
        summaries("WHERE state = 'queued' AND repo_id NOT IN (SELECT value FROM json_each(?)) AND agent NOT IN "
                  "(SELECT value FROM json_each(?)) AND id NOT IN (SELECT value FROM json_each(?)) AND NOT EXISTS "
                  "(SELECT 1 FROM task_parents p JOIN tasks parent ON parent.id = p.parent_id WHERE p.task_id = t.id "
                  "AND parent.state IN (" +
                      unusable + ")) ORDER BY priority DESC, seq LIMIT " + std::to_string(filter.candidates),
                  {json_list(filter.full_repos), json_list(filter.full_agents), json_list(filter.excluded_tasks)}));
    tasks.insert(tasks.end(), candidates.begin(), candidates.end());
  }
  CORRAL_RETURN_IF_ERROR(add_parents(tasks));
  // The parents' own states decide holds and bases; those not loaded yet.
  std::set<std::string> loaded;
  for (const TaskSummary& task : tasks) loaded.insert(task.id);
  std::vector<std::string> missing;
  for (const TaskSummary& task : tasks) {
    for (const std::string& parent : task.parents) {
      if (loaded.insert(parent).second) missing.push_back(parent);
    }
  }
  if (!missing.empty()) {
    CORRAL_ASSIGN_OR_RETURN(auto parents,
                            summaries("WHERE id IN (SELECT value FROM json_each(?))", {json_list(missing)}));
    tasks.insert(tasks.end(), parents.begin(), parents.end());
  }
  std::sort(tasks.begin(), tasks.end(), [](const TaskSummary& a, const TaskSummary& b) { return a.seq < b.seq; });
  return tasks;
}

}  // namespace corral::store
