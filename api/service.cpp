#include "api/service.h"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <set>

#include "admission/learning.h"
#include "core/hash.h"
#include "core/ids.h"
#include "core/json_fields.h"
#include "git/revision.h"
#include "store/event_record.h"

namespace corral::api {
namespace {

using json = nlohmann::json;

const std::vector<store::TaskState> kCancellable = {store::TaskState::kQueued, store::TaskState::kHeld,
                                                    store::TaskState::kRunning};

// Retrying runs the agent again (from the current base): for runs that
// failed, and for work the commit step could not merge as it was.
const std::vector<store::TaskState> kRetryable = {store::TaskState::kFailed,       store::TaskState::kCancelled,
                                                  store::TaskState::kHeld,         store::TaskState::kConflicted,
                                                  store::TaskState::kChecksFailed, store::TaskState::kMergeFailed};

json run_json(const store::RunRecord& run) {
  json out = {
      {"id", run.id},         {"state", run.state},          {"base", run.base_commit}, {"head", run.head_commit},
      {"reason", run.reason}, {"started_at", run.started_at}};
  if (run.exit_code) out["exit_code"] = *run.exit_code;
  if (run.finished_at) out["finished_at"] = *run.finished_at;
  return out;
}

}  // namespace

int http_status_for(const Status& status) {
  switch (status.code()) {
    case Code::kOk:
      return 200;
    case Code::kInvalidArgument:
      return 400;
    case Code::kUnauthenticated:
      return 401;
    case Code::kPermissionDenied:
      return 403;
    case Code::kNotFound:
      return 404;
    case Code::kAlreadyExists:
    case Code::kFailedPrecondition:
      return 409;
    case Code::kTimeout:
      return 504;
    case Code::kBusy:
      return 503;
    default:
      return 500;
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

Result<std::string> Service::resolve_repo(const std::string& repo) {
  if (repo.empty()) return repo;
  return store_.with([&](store::Transaction& tx) { return repo_id_for(tx, repo); });
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
  json out = {{"id", task.id},
              {"repo", task.repo_id},
              {"prompt", task.prompt},
              {"agent", task.agent},
              {"base", task.base_rev},
              {"state", task.state},
              {"reason", task.reason},
              {"priority", task.priority},
              {"attempts", task.attempts},
              {"parents", task.parents},
              {"submitter", task.submitter},
              {"target", task.target_branch},
              {"timeout_seconds", task.timeout_seconds},
              {"budget_tokens", task.budget_tokens},
              {"budget_calls", task.budget_calls},
              {"created_at", task.created_at},
              {"updated_at", task.updated_at}};
  if (!task.idempotency_key.empty()) out["idempotency_key"] = task.idempotency_key;
  auto runs = tx.records.runs_of_task(task.id);
  if (!runs.is_ok()) return runs.status();
  out["runs"] = json::array();
  for (const auto& run : *runs) out["runs"].push_back(run_json(run));
  return out;
}

Result<json> Service::list_tasks(const policy::Caller& caller, store::TaskFilter filter) {
  // Without a repository filter a scoped caller lists its own scope (and
  // each row is checked below all the same).
  if (filter.repo_id.empty() && caller.repo_scope != "*") filter.repo_id = caller.repo_scope;
  CORRAL_RETURN_IF_ERROR(
      policy::check_access(caller, policy::Action::kRead, filter.repo_id.empty() ? caller.repo_scope : filter.repo_id));
  auto tx = store_.lock();
  auto tasks = tx.queue.list(filter);
  if (!tasks.is_ok()) return tasks.status();
  auto total = tx.queue.count(filter);
  if (!total.is_ok()) return total.status();
  json out = {{"tasks", json::array()}, {"total", *total}, {"offset", filter.offset}};
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

Result<json> Service::stack(const policy::Caller& caller, const std::string& id) {
  if (!is_valid_id(id, "t")) return Status::invalid_argument("'" + id + "' is not a task id");
  auto tx = store_.lock();
  auto first = tx.queue.find(id);
  if (!first.is_ok()) return first.status();
  if (!*first) return Status::not_found("no task " + id);
  CORRAL_RETURN_IF_ERROR(policy::check_access(caller, policy::Action::kRead, (*first)->repo_id));
  // Breadth first both ways: parents and children are one repository's tasks.
  std::vector<store::QueuedTask> found = {**first};
  std::set<std::string> seen = {id};
  bool truncated = false;
  for (size_t next = 0; next < found.size(); ++next) {
    auto children = tx.queue.children(found[next].id);
    if (!children.is_ok()) return children.status();
    std::vector<std::string> linked = found[next].parents;
    linked.insert(linked.end(), children->begin(), children->end());
    for (const std::string& other : linked) {
      if (seen.count(other)) continue;
      if (found.size() == kStackLimit) {
        truncated = true;
        break;
      }
      auto task = tx.queue.find(other);
      if (!task.is_ok()) return task.status();
      if (!*task) continue;
      seen.insert(other);
      found.push_back(**task);
    }
  }
  json tasks = json::array();
  for (const auto& task : found) {
    tasks.push_back({{"id", task.id},
                     {"state", task.state},
                     {"prompt", task.prompt},
                     {"agent", task.agent},
                     {"parents", task.parents}});
  }
  return json{{"task", id}, {"tasks", tasks}, {"truncated", truncated}};
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
  CORRAL_RETURN_IF_ERROR(check_fields(
      body, {{"name", FieldType::kString, true}, {"role", FieldType::kString, true}, {"repo", FieldType::kString}},
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
  if (role == "admin" && scope != "*") {
    return Status::invalid_argument(
        "an admin token is for every repository; a repository's own admin is "
        "--role owner --repo " +
        scope);
  }
  std::string secret = new_secret("crl_");
  store::TokenRecord token{new_id("tok"), body["name"], role, scope, "", std::nullopt};
  // Who may do what is history too: the token and its event, or neither.
  CORRAL_RETURN_IF_ERROR(tx.atomically([&]() -> Status {
    CORRAL_RETURN_IF_ERROR(tx.tokens.insert(token, sha256_hex(secret)));
    return store::RepoEvent("token.created", scope == "*" ? "" : scope)
        .payload({{"id", token.id}, {"name", token.name}, {"role", role}, {"repo", scope}, {"by", caller.name}})
        .record(tx.events);
  }));
  return json{{"id", token.id}, {"name", token.name}, {"role", role}, {"repo", scope}, {"token", secret}};
}

Result<json> Service::list_tokens(const policy::Caller& caller) {
  CORRAL_RETURN_IF_ERROR(policy::check_access(caller, policy::Action::kManageTokens, ""));
  auto tx = store_.lock();
  auto tokens = tx.tokens.list();
  if (!tokens.is_ok()) return tokens.status();
  json out = {{"tokens", json::array()}};
  for (const auto& token : *tokens) {
    json item = {{"id", token.id},
                 {"name", token.name},
                 {"role", token.role},
                 {"repo", token.repo_scope},
                 {"created_at", token.created_at}};
    if (token.revoked_at) item["revoked_at"] = *token.revoked_at;
    out["tokens"].push_back(std::move(item));
  }
  return out;
}

Result<json> Service::revoke_token(const policy::Caller& caller, const std::string& id) {
  CORRAL_RETURN_IF_ERROR(policy::check_access(caller, policy::Action::kManageTokens, ""));
  auto tx = store_.lock();
  CORRAL_RETURN_IF_ERROR(tx.atomically([&]() -> Status {
    CORRAL_RETURN_IF_ERROR(tx.tokens.revoke(id));
    return store::RepoEvent("token.revoked", "").payload({{"id", id}, {"by", caller.name}}).record(tx.events);
  }));
  return json{{"id", id}, {"revoked", true}};
}

Result<json> Service::audit(const policy::Caller& caller) {
  CORRAL_RETURN_IF_ERROR(policy::check_access(caller, policy::Action::kRead, "*"));
  auto report = store_.with([](store::Transaction& tx) { return tx.events.verify(); });
  if (!report.is_ok()) return report.status();
  return json{{"intact", report->intact},
              {"events_checked", report->events_checked},
              {"first_broken_seq", report->first_broken_seq},
              {"problem", report->problem},
              {"head_hash", report->head_hash}};
}

Result<json> Service::events(const policy::Caller& caller, int64_t after, const store::EventLog::Filter& filter,
                             int limit) {
  CORRAL_RETURN_IF_ERROR(
      policy::check_access(caller, policy::Action::kRead, filter.repo_id.empty() ? caller.repo_scope : filter.repo_id));
  auto tx = store_.lock();
  auto stored = tx.events.after(after, filter, limit);
  if (!stored.is_ok()) return stored.status();
  json out = {{"events", json::array()}, {"last", after}};
  for (const auto& event : *stored) {
    out["last"] = event.seq;
    if (!policy::check_access(caller, policy::Action::kRead, event.event.repo_id).is_ok()) continue;
    out["events"].push_back(store::event_json(event));
  }
  return out;
}

Result<int64_t> Service::last_event_seq() { return store_.lock().events.last_seq(); }

Result<std::string> Service::metrics(const policy::Caller& caller) {
  CORRAL_RETURN_IF_ERROR(policy::check_access(caller, policy::Action::kRead, ""));
  if (!metrics_source_) return Status::not_found("this daemon serves no metrics");
  return metrics_source_();
}

}  // namespace corral::api
