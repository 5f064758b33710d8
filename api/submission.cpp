// What a submission must be, and how it is stored: the fields of each task
// checked strictly, the repository's agent list, the parents as a DAG, all
// tasks queued in one transaction (or, by their idempotency keys, found).
#include <algorithm>
#include <map>

#include <nlohmann/json.hpp>

#include "api/service.h"
#include "core/ids.h"
#include "core/json_fields.h"
#include "git/revision.h"
#include "scheduler/task_graph.h"
#include "settings/repo_settings.h"
#include "store/event_record.h"

namespace corral::api {
namespace {

using json = nlohmann::json;

constexpr size_t kMaxBatch = 100;
constexpr size_t kMaxPromptBytes = 64 * 1024;
constexpr int64_t kMaxTimeoutSeconds = 86400;
constexpr int64_t kMaxBudget = int64_t{1} << 40;  // tokens or calls: far above any real task

// A whole-number field in low..high (`fallback` when absent). JSON numbers
// beyond 64 signed bits are out of every range, never wrapped around.
Result<int64_t> whole_field(const json& task, const char* field, int64_t fallback, int64_t low, int64_t high,
                            const std::string& what) {
  if (!task.contains(field)) return fallback;
  const json& value = task[field];
  bool too_large = value.is_number_unsigned() && value.get<uint64_t>() > static_cast<uint64_t>(INT64_MAX);
  int64_t number = too_large ? 0 : value.get<int64_t>();
  if (too_large || number < low || number > high) {
    return Status::invalid_argument(what + " field '" + field + "' must be " + std::to_string(low) + ".." +
                                    std::to_string(high));
  }
  return number;
}

Status check_task_fields(const json& task, const std::string& what) {
  CORRAL_RETURN_IF_ERROR(check_fields(task,
                                      {{"repo", FieldType::kString, true},
                                       {"prompt", FieldType::kString, true},
                                       {"agent", FieldType::kString},
                                       {"base", FieldType::kString},
                                       {"priority", FieldType::kInteger},
                                       {"timeout_seconds", FieldType::kInteger},
                                       {"idempotency_key", FieldType::kString},
                                       {"parents", FieldType::kStringArray},
                                       {"target", FieldType::kString},
                                       {"budget_tokens", FieldType::kInteger},
                                       {"budget_calls", FieldType::kInteger},
                                       {"ref", FieldType::kString}},
                                      what));
  for (const char* field : {"repo", "prompt", "agent", "base", "idempotency_key", "target", "ref"}) {
    if (task.contains(field) && task[field].get<std::string>().find('\0') != std::string::npos) {
      return Status::invalid_argument(what + " field '" + field + "' holds a NUL byte");
    }
  }
  const std::string prompt = task["prompt"];
  if (prompt.empty() || prompt.size() > kMaxPromptBytes) {
    return Status::invalid_argument(what + " field 'prompt' must hold 1 to 65536 bytes");
  }
  if (task.contains("agent") && task["agent"].get<std::string>().find_first_not_of(" \t") == std::string::npos) {
    return Status::invalid_argument(what + " field 'agent' is empty");
  }
  std::string target = task.value("target", std::string());
  if (!target.empty() && !git::is_valid_branch_name(target)) {
    return Status::invalid_argument(what + " field 'target' is not a valid branch name: '" + target + "'");
  }
  CORRAL_RETURN_IF_ERROR(whole_field(task, "priority", 0, -100, 100, what).status());
  CORRAL_RETURN_IF_ERROR(whole_field(task, "timeout_seconds", 600, 1, kMaxTimeoutSeconds, what).status());
  for (const char* field : {"budget_tokens", "budget_calls"}) {
    CORRAL_RETURN_IF_ERROR(whole_field(task, field, 0, 0, kMaxBudget, what).status());
  }
  if (task.value("idempotency_key", std::string()).size() > 200) {
    return Status::invalid_argument(what + " field 'idempotency_key' is longer than 200 bytes");
  }
  return Status::ok();
}

// The tasks of a submission as one list: a single object, or {"tasks": [...]}.
Result<std::vector<json>> submitted_tasks(const json& body) {
  if (!body.is_object()) return Status::invalid_argument("the request body must be a JSON object");
  if (!body.contains("tasks")) return std::vector<json>{body};
  if (body.size() != 1) return Status::invalid_argument("a batch holds only the field 'tasks'");
  const json& tasks = body["tasks"];
  if (!tasks.is_array() || tasks.empty() || tasks.size() > kMaxBatch) {
    return Status::invalid_argument("'tasks' must be an array of 1 to 100 task objects");
  }
  return std::vector<json>(tasks.begin(), tasks.end());
}

// The batch reordered so that a task's parents from the same batch come
// before it (the batch is a DAG by then), otherwise in the order given.
Result<std::vector<store::NewTask>> parents_first(const std::vector<store::NewTask>& tasks) {
  std::vector<std::string> ids;
  scheduler::ParentMap parents;
  std::map<std::string, const store::NewTask*> by_id;
  for (const store::NewTask& task : tasks) {
    ids.push_back(task.id);
    parents[task.id] = task.parents;
    by_id[task.id] = &task;
  }
  CORRAL_ASSIGN_OR_RETURN(std::vector<std::string> order, scheduler::parents_first(ids, parents));
  std::vector<store::NewTask> ordered;
  for (const std::string& id : order) ordered.push_back(*by_id.at(id));
  return ordered;
}

}  // namespace

Result<store::NewTask> Service::new_task(store::Transaction& tx, const policy::Caller& caller, const json& item,
                                         const std::string& what) {
  CORRAL_RETURN_IF_ERROR(check_task_fields(item, what));
  auto repo_id = repo_id_for(tx, item["repo"]);
  if (!repo_id.is_ok()) return repo_id.status();
  CORRAL_RETURN_IF_ERROR(policy::check_access(caller, policy::Action::kSubmit, *repo_id));
  store::NewTask task;
  task.id = new_id("t");
  task.repo_id = *repo_id;
  task.prompt = item["prompt"];
  task.agent = item.value("agent", "");
  CORRAL_RETURN_IF_ERROR(check_agent_allowed(tx, *repo_id, task.agent, what));
  task.target_branch = item.value("target", "");
  task.base_rev = item.value("base", tip_of(task.target_branch));
  if (item.contains("base")) CORRAL_RETURN_IF_ERROR(check_base(tx, *repo_id, task.base_rev, what));
  task.priority = static_cast<int>(item.value("priority", 0));
  task.timeout_seconds = item.value("timeout_seconds", int64_t{600});
  task.budget_tokens = item.value("budget_tokens", int64_t{0});
  task.budget_calls = item.value("budget_calls", int64_t{0});
  task.idempotency_key = item.value("idempotency_key", "");
  task.submitter = caller.name;
  task.parents = item.value("parents", std::vector<std::string>{});
  return task;
}

// A base named at submission must be a revision of the repository now: a
// task that could never start is refused, not queued to fail three times.
Status Service::check_base(store::Transaction& tx, const std::string& repo_id, const std::string& base,
                           const std::string& what) {
  CORRAL_ASSIGN_OR_RETURN(auto repo, tx.records.find_repo(repo_id));
  if (!repo) return Status::not_found("no repository " + repo_id);
  if (git::resolve_commit(repo->source_path, base).is_ok()) return Status::ok();
  return Status::invalid_argument(what + " field 'base': '" + base + "' is not a revision of repository " + repo_id);
}

// A repository that lists agent profiles runs only those; a task without an
// agent needs that list (routing chooses from it).
Status Service::check_agent_allowed(store::Transaction& tx, const std::string& repo_id, const std::string& agent,
                                    const std::string& what) {
  auto repo = tx.records.find_repo(repo_id);
  if (!repo.is_ok()) return repo.status();
  if (!*repo) return Status::not_found("no repository " + repo_id);
  auto settings = settings::settings_of(**repo);
  if (!settings.is_ok()) return settings.status();
  const auto& allowed = settings->agents;
  if (agent.empty() && allowed.empty()) {
    return Status::invalid_argument(what + " names no agent, and repository " + repo_id +
                                    " lists no agent profiles to choose from (corral repo set --agent)");
  }
  if (!agent.empty() && !allowed.empty() && std::find(allowed.begin(), allowed.end(), agent) == allowed.end()) {
    return Status::invalid_argument(what + " names agent '" + agent + "', which repository " + repo_id +
                                    " does not allow");
  }
  return Status::ok();
}

// Parents named by a batch-local ref become task ids; the others must exist.
// Then the whole graph must be a DAG.
Status Service::link_parents(store::Transaction& tx, std::vector<store::NewTask>& tasks,
                             const std::map<std::string, std::string>& id_of_ref) {
  scheduler::ParentMap graph;
  for (store::NewTask& task : tasks) {
    for (std::string& parent : task.parents) {
      if (auto local = id_of_ref.find(parent); local != id_of_ref.end()) {
        parent = local->second;
        continue;
      }
      auto existing = tx.queue.find(parent);
      if (!existing.is_ok()) return existing.status();
      if (!*existing) return Status::invalid_argument("task builds on " + parent + ", which does not exist");
      graph[parent];  // known, and outside this batch's edges
    }
    graph[task.id] = task.parents;
  }
  return scheduler::check_dag(graph);
}

// One transaction: every task queued (or found by its idempotency key), or none.
Result<json> Service::store_submission(store::Transaction& tx, const std::vector<store::NewTask>& tasks) {
  json out = {{"tasks", json::array()}};
  Status status = tx.atomically([&]() -> Status {
    auto submitted = tx.queue.submit(tasks);
    if (!submitted.is_ok()) return submitted.status();
    for (const store::Submission& submission : *submitted) {
      const store::QueuedTask& queued = submission.task;
      if (submission.created) {
        CORRAL_RETURN_IF_ERROR(store::TaskEvent("task.queued", queued)
                                   .payload({{"prompt", queued.prompt},
                                             {"base_rev", queued.base_rev},
                                             {"parents", queued.parents},
                                             {"priority", queued.priority},
                                             {"submitter", queued.submitter}})
                                   .record(tx.events));
      }
      auto task = task_json(tx, queued);
      if (!task.is_ok()) return task.status();
      (*task)["created"] = submission.created;
      out["tasks"].push_back(std::move(*task));
    }
    return Status::ok();
  });
  if (!status.is_ok()) return status;
  return out;
}

Result<json> Service::submit(const policy::Caller& caller, const json& body) {
  auto items = submitted_tasks(body);
  if (!items.is_ok()) return items.status();
  auto tx = store_.lock();
  std::vector<store::NewTask> tasks;
  std::map<std::string, std::string> id_of_ref;
  for (size_t i = 0; i < items->size(); ++i) {
    std::string what = items->size() == 1 ? "the task" : "task " + std::to_string(i);
    auto task = new_task(tx, caller, (*items)[i], what);
    if (!task.is_ok()) return task.status();
    std::string ref = (*items)[i].value("ref", "");
    if (!ref.empty() && !id_of_ref.emplace(ref, task->id).second) {
      return Status::invalid_argument(what + " reuses the ref '" + ref + "'");
    }
    tasks.push_back(std::move(*task));
  }
  CORRAL_RETURN_IF_ERROR(link_parents(tx, tasks, id_of_ref));
  CORRAL_ASSIGN_OR_RETURN(std::vector<store::NewTask> ordered, parents_first(tasks));
  auto stored = store_submission(tx, ordered);
  if (!stored.is_ok() || body.contains("tasks")) return stored;
  return (*stored)["tasks"][0];
}

}  // namespace corral::api
