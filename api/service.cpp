#include "api/service.h"

#include <algorithm>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>

#include "core/hash.h"
#include "core/ids.h"
#include "store/event_record.h"
#include "git/revision.h"
#include "core/json_fields.h"
#include "admission/learning.h"
#include "settings/repo_settings.h"
#include "scheduler/task_graph.h"

namespace corral::api {
namespace {

using json = nlohmann::json;

constexpr size_t kMaxBatch = 100;
constexpr size_t kMaxPromptBytes = 64 * 1024;
constexpr int64_t kMaxTimeoutSeconds = 86400;
constexpr int64_t kMaxBudget = int64_t{1} << 40;  // tokens or calls: far above any real task

const std::vector<store::TaskState> kCancellable = {store::TaskState::kQueued, store::TaskState::kHeld,
                                                   store::TaskState::kRunning};
// The revision a task starts from unless told otherwise: the tip of the
// branch it will merge into (the upstream's default: HEAD).
std::string tip_of(const std::string& target_branch) { return target_branch.empty() ? "HEAD" : target_branch; }

// Retrying runs the agent again (from the current base): for runs that
// failed, and for work the commit step could not merge as it was.
const std::vector<store::TaskState> kRetryable = {store::TaskState::kFailed,       store::TaskState::kCancelled,
                                                 store::TaskState::kHeld,         store::TaskState::kConflicted,
                                                 store::TaskState::kChecksFailed, store::TaskState::kMergeFailed};

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
  int64_t priority = task.value("priority", int64_t{0});
  if (priority < -100 || priority > 100) return Status::invalid_argument(what + " field 'priority' must be -100..100");
  int64_t timeout = task.value("timeout_seconds", int64_t{600});
  if (timeout < 1 || timeout > kMaxTimeoutSeconds) {
    return Status::invalid_argument(what + " field 'timeout_seconds' must be 1..86400");
  }
  for (const char* field : {"budget_tokens", "budget_calls"}) {
    int64_t amount = task.value(field, int64_t{0});
    if (amount < 0 || amount > kMaxBudget) {
      return Status::invalid_argument(what + " field '" + field + "' must be 0 (none) .. " + std::to_string(kMaxBudget));
    }
  }
  if (task.value("idempotency_key", std::string()).size() > 200) {
    return Status::invalid_argument(what + " field 'idempotency_key' is longer than 200 bytes");
  }
  return Status::ok();
}

json run_json(const store::RunRecord& run) {
  json out = {{"id", run.id}, {"state", run.state}, {"base", run.base_commit}, {"head", run.head_commit},
              {"reason", run.reason}, {"started_at", run.started_at}};
  if (run.exit_code) out["exit_code"] = *run.exit_code;
  if (run.finished_at) out["finished_at"] = *run.finished_at;
  return out;
}

}  // namespace

int http_status_for(const Status& status) {
  switch (status.code()) {
    case Code::kOk: return 200;
    case Code::kInvalidArgument: return 400;
    case Code::kUnauthenticated: return 401;
    case Code::kPermissionDenied: return 403;
    case Code::kNotFound: return 404;
    case Code::kAlreadyExists:
    case Code::kFailedPrecondition: return 409;
    case Code::kTimeout: return 504;
    default: return 500;
  }
}

Service::Service(store::Store& store, DataLayout layout) : store_(store), layout_(std::move(layout)) {}

Result<policy::Caller> Service::authenticate(const std::string& bearer_token) {
  if (bearer_token.empty()) return Status::unauthenticated("a bearer token is required");
  auto tx = store_.lock();
  auto token = tx.tokens.find_live(sha256_hex(bearer_token));
  if (!token.is_ok()) return token.status();
  if (!*token) return Status::unauthenticated("the token is not valid (unknown or revoked)");
  return policy::Caller{(*token)->name, (*token)->role, (*token)->repo_scope};
}

Result<std::string> Service::repo_id_for(store::Transaction& tx, const std::string& repo) {
  if (is_valid_id(repo, "repo")) {
    auto found = tx.records.find_repo(repo);
    if (!found.is_ok()) return found.status();
    if (*found) return repo;
  }
  std::error_code ec;
  std::string canonical = std::filesystem::weakly_canonical(repo, ec).string();
  auto repos = tx.records.repos();
  if (!repos.is_ok()) return repos.status();
  for (const auto& known : *repos) {
    if (known.source_path == canonical || known.source_path == repo) return known.id;
  }
  return Status::not_found("repository " + repo + " is not registered (corral repo add)");
}

Result<json> Service::task_json(store::Transaction& tx, const store::QueuedTask& task) {
  json out = {{"id", task.id},           {"repo", task.repo_id},       {"prompt", task.prompt},
              {"agent", task.agent},     {"base", task.base_rev},      {"state", task.state},
              {"reason", task.reason},   {"priority", task.priority},  {"attempts", task.attempts},
              {"parents", task.parents}, {"submitter", task.submitter}, {"target", task.target_branch}, {"timeout_seconds", task.timeout_seconds},
              {"budget_tokens", task.budget_tokens}, {"budget_calls", task.budget_calls},
              {"created_at", task.created_at}, {"updated_at", task.updated_at}};
  if (!task.idempotency_key.empty()) out["idempotency_key"] = task.idempotency_key;
  auto runs = tx.records.runs_of_task(task.id);
  if (!runs.is_ok()) return runs.status();
  out["runs"] = json::array();
  for (const auto& run : *runs) out["runs"].push_back(run_json(run));
  return out;
}

namespace {

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

Result<store::NewTask> Service::new_task(store::Transaction& tx, const policy::Caller& caller, const json& item, const std::string& what) {
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
  task.priority = static_cast<int>(item.value("priority", 0));
  task.timeout_seconds = item.value("timeout_seconds", int64_t{600});
  task.budget_tokens = item.value("budget_tokens", int64_t{0});
  task.budget_calls = item.value("budget_calls", int64_t{0});
  task.idempotency_key = item.value("idempotency_key", "");
  task.submitter = caller.name;
  task.parents = item.value("parents", std::vector<std::string>{});
  return task;
}

// A repository that lists agent profiles runs only those; a task without an
// agent needs that list (routing chooses from it).
Status Service::check_agent_allowed(store::Transaction& tx, const std::string& repo_id, const std::string& agent, const std::string& what) {
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
Status Service::link_parents(store::Transaction& tx, std::vector<store::NewTask>& tasks, const std::map<std::string, std::string>& id_of_ref) {
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

Result<json> Service::list_tasks(const policy::Caller& caller, const store::TaskFilter& filter) {
  // Without a repository filter a scoped caller lists its own scope (each row is checked below).
  CORRAL_RETURN_IF_ERROR(policy::check_access(caller, policy::Action::kRead, filter.repo_id.empty() ? caller.repo_scope : filter.repo_id));
  auto tx = store_.lock();
  auto tasks = tx.queue.list(filter);
  if (!tasks.is_ok()) return tasks.status();
  json out = {{"tasks", json::array()}};
  for (const auto& task : *tasks) {
    if (!policy::check_access(caller, policy::Action::kRead, task.repo_id).is_ok()) continue;
    auto item = task_json(tx, task);
    if (!item.is_ok()) return item.status();
    out["tasks"].push_back(std::move(*item));
  }
  return out;
}

Result<json> Service::show_task(const policy::Caller& caller, const std::string& id) {
  if (!is_valid_id(id, "t")) return Status::invalid_argument("'" + id + "' is not a task id");
  auto tx = store_.lock();
  auto task = tx.queue.find(id);
  if (!task.is_ok()) return task.status();
  if (!*task) return Status::not_found("no task " + id);
  CORRAL_RETURN_IF_ERROR(policy::check_access(caller, policy::Action::kRead, (*task)->repo_id));
  return task_json(tx, **task);
}

Result<json> Service::cancel(const policy::Caller& caller, const std::string& id) {
  if (!is_valid_id(id, "t")) return Status::invalid_argument("'" + id + "' is not a task id");
  bool was_running = false;
  json out;
  {
    auto tx = store_.lock();
    auto task = tx.queue.find(id);
    if (!task.is_ok()) return task.status();
    if (!*task) return Status::not_found("no task " + id);
    CORRAL_RETURN_IF_ERROR(policy::check_access(caller, policy::Action::kCancel, (*task)->repo_id));
    was_running = (*task)->state == store::TaskState::kRunning;
    std::string reason = "cancelled by " + caller.name;
    Status cancelled = tx.atomically([&]() -> Status {
      CORRAL_RETURN_IF_ERROR(tx.queue.transition(id, kCancellable, store::TaskState::kCancelled, reason));
      CORRAL_RETURN_IF_ERROR(store::TaskEvent("task.cancelled", **task)
                                 .payload({{"by", caller.name}, {"was", (*task)->state}})
                                 .record(tx.events));
      return admission::learn_if_outcome(tx, **task, store::TaskState::kCancelled);
    });
    CORRAL_RETURN_IF_ERROR(cancelled);
    auto updated = tx.queue.find(id);
    if (!updated.is_ok()) return updated.status();
    auto body = task_json(tx, **updated);
    if (!body.is_ok()) return body.status();
    out = std::move(*body);
  }
  if (was_running && cancel_hook_) cancel_hook_(id);
  return out;
}

Result<json> Service::retry(const policy::Caller& caller, const std::string& id) {
  if (!is_valid_id(id, "t")) return Status::invalid_argument("'" + id + "' is not a task id");
  auto tx = store_.lock();
  auto task = tx.queue.find(id);
  if (!task.is_ok()) return task.status();
  if (!*task) return Status::not_found("no task " + id);
  CORRAL_RETURN_IF_ERROR(policy::check_access(caller, policy::Action::kRetry, (*task)->repo_id));
  Status retried = tx.atomically([&]() -> Status {
    CORRAL_RETURN_IF_ERROR(tx.queue.transition(id, kRetryable, store::TaskState::kQueued, ""));
    json payload = {{"retry_by", caller.name}, {"was", (*task)->state}};
    if ((*task)->state == store::TaskState::kConflicted) {
      // Its old base is what it conflicted on: redo the work on the branch's current tip.
      std::string tip = tip_of((*task)->target_branch);
      CORRAL_RETURN_IF_ERROR(tx.queue.set_base_rev(id, tip));
      payload["base"] = tip;
    }
    return store::TaskEvent("task.queued", **task).payload(payload).record(tx.events);
  });
  CORRAL_RETURN_IF_ERROR(retried);
  auto updated = tx.queue.find(id);
  if (!updated.is_ok()) return updated.status();
  return task_json(tx, **updated);
}

Result<json> Service::add_repo(const policy::Caller& caller, const json& body) {
  CORRAL_RETURN_IF_ERROR(check_fields(body, {{"path", FieldType::kString, true}}, "the repository"));
  CORRAL_RETURN_IF_ERROR(policy::check_access(caller, policy::Action::kAddRepo, ""));
  std::error_code ec;
  std::string path = std::filesystem::canonical(body["path"].get<std::string>(), ec).string();
  if (ec) return Status::invalid_argument("repository " + body["path"].get<std::string>() + " does not exist");
  auto head = git::resolve_commit(path, "HEAD");
  if (!head.is_ok()) return head.status();
  auto tx = store_.lock();
  auto repo = tx.records.ensure_repo(path, [&](const std::string& id) { return layout_.mirror(id); });
  if (!repo.is_ok()) return repo.status();
  return json{{"id", repo->id}, {"path", repo->source_path}, {"created_at", repo->created_at}};
}

Result<json> Service::list_repos(const policy::Caller& caller) {
  auto tx = store_.lock();
  auto repos = tx.records.repos();
  if (!repos.is_ok()) return repos.status();
  json out = {{"repos", json::array()}};
  for (const auto& repo : *repos) {
    if (!policy::check_access(caller, policy::Action::kRead, repo.id).is_ok()) continue;
    out["repos"].push_back({{"id", repo.id}, {"path", repo.source_path}, {"created_at", repo.created_at}});
  }
  return out;
}

Result<json> Service::create_token(const policy::Caller& caller, const json& body) {
  CORRAL_RETURN_IF_ERROR(policy::check_access(caller, policy::Action::kManageTokens, ""));
  CORRAL_RETURN_IF_ERROR(check_fields(body,
                                      {{"name", FieldType::kString, true},
                                       {"role", FieldType::kString, true},
                                       {"repo", FieldType::kString}},
                                      "the token"));
  std::string role = body["role"];
  if (!policy::is_valid_role(role)) {
    return Status::invalid_argument("role '" + role + "' is not one of admin, owner, reviewer, submitter, agent");
  }
  auto tx = store_.lock();
  std::string scope = "*";
  if (body.contains("repo") && body["repo"] != "*") {
    auto repo_id = repo_id_for(tx, body["repo"]);
    if (!repo_id.is_ok()) return repo_id.status();
    scope = *repo_id;
  }
  std::string secret = new_secret("crl_");
  store::TokenRecord token{new_id("tok"), body["name"], role, scope, "", std::nullopt};
  CORRAL_RETURN_IF_ERROR(tx.tokens.insert(token, sha256_hex(secret)));
  return json{{"id", token.id}, {"name", token.name}, {"role", role}, {"repo", scope}, {"token", secret}};
}

Result<json> Service::list_tokens(const policy::Caller& caller) {
  CORRAL_RETURN_IF_ERROR(policy::check_access(caller, policy::Action::kManageTokens, ""));
  auto tx = store_.lock();
  auto tokens = tx.tokens.list();
  if (!tokens.is_ok()) return tokens.status();
  json out = {{"tokens", json::array()}};
  for (const auto& token : *tokens) {
    json item = {{"id", token.id}, {"name", token.name}, {"role", token.role}, {"repo", token.repo_scope},
                 {"created_at", token.created_at}};
    if (token.revoked_at) item["revoked_at"] = *token.revoked_at;
    out["tokens"].push_back(std::move(item));
  }
  return out;
}

Result<json> Service::revoke_token(const policy::Caller& caller, const std::string& id) {
  CORRAL_RETURN_IF_ERROR(policy::check_access(caller, policy::Action::kManageTokens, ""));
  auto tx = store_.lock();
  CORRAL_RETURN_IF_ERROR(tx.tokens.revoke(id));
  return json{{"id", id}, {"revoked", true}};
}

Result<json> Service::events(const policy::Caller& caller, int64_t after, const store::EventLog::Filter& filter, int limit) {
  CORRAL_RETURN_IF_ERROR(policy::check_access(caller, policy::Action::kRead, filter.repo_id.empty() ? caller.repo_scope : filter.repo_id));
  auto tx = store_.lock();
  auto stored = tx.events.after(after, filter, limit);
  if (!stored.is_ok()) return stored.status();
  json out = {{"events", json::array()}, {"last", after}};
  for (const auto& event : *stored) {
    out["last"] = event.seq;
    if (!policy::check_access(caller, policy::Action::kRead, event.event.repo_id).is_ok()) continue;
    auto payload = json::parse(event.event.payload, nullptr, false);
    out["events"].push_back({{"seq", event.seq},
                             {"id", event.id},
                             {"time", event.time},
                             {"type", event.event.type},
                             {"task", event.event.task_id},
                             {"run", event.event.run_id},
                             {"repo", event.event.repo_id},
                             {"payload", payload.is_discarded() ? json(event.event.payload) : payload}});
  }
  return out;
}

}  // namespace corral::api
