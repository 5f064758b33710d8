#include "daemon/one_shot.h"

#include <unistd.h>

#include <filesystem>

#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include "admission/run_admission.h"
#include "admission/run_bridge.h"
#include "core/data_dir.h"
#include "core/data_layout.h"
#include "core/file_lock.h"
#include "core/ids.h"
#include "git/mirror.h"
#include "git/revision.h"
#include "policy/mount_rules.h"
#include "runner/agent_profiles.h"
#include "scheduler/backends.h"
#include "scheduler/reconcile.h"
#include "store/store.h"

namespace corral::daemon {
namespace {

namespace fs = std::filesystem;

// What the request becomes once every part of it is checked.
struct CheckedRequest {
  std::string repo_path;  // canonical
  std::string base_commit;
  std::vector<containers::ReadOnlyMount> mounts;
  admission::GatewayOptions gateways;
};

Result<CheckedRequest> check_request(const OneShotRequest& request, const std::string& data_dir) {
  if (request.agent.find_first_not_of(" \t\n") == std::string::npos) {
    return Status::invalid_argument("--agent is empty: give an agent profile or a command line");
  }
  if (request.prompt.empty()) return Status::invalid_argument("the prompt is empty");
  CheckedRequest checked;
  std::error_code ec;
  fs::path repo = fs::canonical(request.repo_path, ec);
  if (ec) return Status::invalid_argument("repository " + request.repo_path + " does not exist");
  checked.repo_path = repo.string();
  CORRAL_ASSIGN_OR_RETURN(checked.base_commit, git::resolve_commit(checked.repo_path, request.base_rev));
  CORRAL_RETURN_IF_ERROR(routing::default_grant(request.limits).status());  // the ranges; the tier holds the rest
  for (const std::string& text : request.mounts) {
    CORRAL_ASSIGN_OR_RETURN(auto mount, parse_mount(text, data_dir));
    checked.mounts.push_back(mount);
  }
  CORRAL_ASSIGN_OR_RETURN(checked.gateways, admission::parse_gateway_flags(request.gateways));
  if (auto profile = runner::find_profile(request.agent);
      profile && !profile->provider.empty() && !checked.gateways.providers.count(profile->provider)) {
    return Status::invalid_argument("--agent " + request.agent + " needs the " + profile->provider +
                                    " model provider: give --llm " + profile->provider + "=URL and --llm-key " +
                                    profile->provider + "=env:VARIABLE");
  }
  if (::access(request.supervisor_path.c_str(), X_OK) != 0) {
    return Status::failed_precondition("corral-supervisor not found at " + request.supervisor_path);
  }
  return checked;
}

class OneShot {
 public:
  OneShot(const OneShotRequest& request, const CheckedRequest& checked, const DataLayout& layout, store::Store& store,
          containers::SandboxBackend& backend)
      : request_(request), checked_(checked), layout_(layout), store_(store), backend_(backend) {
    result_.task_id = new_id("t");
    result_.run_id = new_id("r");
    result_.repo_path = checked.repo_path;
    result_.base_rev = request.base_rev;
  }

  Result<OneShotResult> run() {
    CORRAL_RETURN_IF_ERROR(register_repo());
    CORRAL_RETURN_IF_ERROR(queue_task());
    auto run_lock = FileLock::acquire(layout_.run_lock(result_.run_id));
    if (!run_lock.is_ok()) return fail(run_lock.status());
    auto task = start_run();
    if (!task.is_ok()) return fail(task.status());
    auto request = run_request(*task);
    if (!request.is_ok()) return fail(request.status());
    store::StoreSink sink(store_);
    auto outcome = runner::run_task(*request, backend_, sink, store_.clock());
    if (!outcome.is_ok()) return fail(outcome.status());
    result_.run = std::move(*outcome);
    CORRAL_RETURN_IF_ERROR(finish());
    std::remove(layout_.run_lock(result_.run_id).c_str());
    return result_;
  }

 private:
  Status record(store::Transaction& tx, const std::string& type, const nlohmann::json& payload) {
    Event event{type, result_.task_id, result_.run_id, repo_.id, request_.agent, result_.run_id, "{}"};
    set_payload(event, payload);
    return tx.events.record(event);
  }

  Status register_repo() {
    MonotonicPoint start = store_.clock().monotonic();
    Status status = sync_repo();
    spdlog::debug("sync of {} took {} ms", checked_.repo_path, store_.clock().since(start).count());
    return status;
  }

  Status sync_repo() {
    auto repo = store_.with([&](store::Transaction& tx) {
      return tx.records.ensure_repo(checked_.repo_path, [&](const std::string& id) { return layout_.mirror(id); });
    });
    if (!repo.is_ok()) return repo.status();
    repo_ = *repo;
    auto lock = FileLock::acquire(layout_.mirror_lock(repo_.id));
    if (!lock.is_ok()) return lock.status();
    // Only the base is fetched, and only if the mirror lacks it.
    auto fetched = git::fetch_revision(repo_.source_path, repo_.mirror_path, request_.base_rev);
    if (!fetched.is_ok()) return fetched.status();
    if (!git::has_commit(repo_.mirror_path, checked_.base_commit)) {
      return Status::invalid_argument("base " + request_.base_rev + " (" + checked_.base_commit.substr(0, 12) +
                                      ") is not on any branch or tag of " + repo_.source_path);
    }
    return Status::ok();
  }

  Status queue_task() {
    store::NewTask task;
    task.id = result_.task_id;
    task.repo_id = repo_.id;
    task.prompt = request_.prompt;
    task.agent = request_.agent;
    task.base_rev = request_.base_rev;
    task.submitter = "corral run";
    if (request_.limits.timeout_seconds) task.timeout_seconds = *request_.limits.timeout_seconds;
    return store_.with([&](store::Transaction& tx) -> Status {
      return tx.atomically([&]() -> Status {
        CORRAL_RETURN_IF_ERROR(tx.queue.submit({task}).status());
        return record(tx, "task.queued",
                      {{"repository", repo_.source_path},
                       {"base_rev", request_.base_rev},
                       {"base", checked_.base_commit},
                       {"prompt", request_.prompt}});
      });
    });
  }

  // The run row, the task running, task.started: one transaction. The stored task.
  Result<store::QueuedTask> start_run() {
    return store_.with([&](store::Transaction& tx) -> Result<store::QueuedTask> {
      CORRAL_RETURN_IF_ERROR(tx.atomically([&]() -> Status {
        store::RunRecord run;
        run.id = result_.run_id;
        run.task_id = result_.task_id;
        run.state = store::state::kRunning;
        run.base_commit = checked_.base_commit;
        CORRAL_RETURN_IF_ERROR(tx.records.insert_run(run));
        CORRAL_RETURN_IF_ERROR(
            tx.queue.transition(result_.task_id, {store::TaskState::kQueued}, store::TaskState::kRunning, ""));
        nlohmann::json payload = {{"backend", backend_.kind()}, {"base", checked_.base_commit}};
        if (backend_.kind() == "docker") payload["image"] = request_.image;
        return record(tx, "task.started", payload);
      }));
      CORRAL_ASSIGN_OR_RETURN(auto task, tx.queue.find(result_.task_id));
      if (!task) return Status::not_found("task " + result_.task_id + " vanished");
      return *task;
    });
  }

  // Admitted as the daemon admits a run; then this command's own hooks.
  Result<runner::RunRequest> run_request(const store::QueuedTask& task) {
    admission::BudgetBook budgets;
    CORRAL_ASSIGN_OR_RETURN(
        runner::RunRequest run,
        admission::admit_run(store_, budgets, layout_,
                             {task, repo_, result_.run_id, checked_.base_commit, request_.limits},
                             {request_.image, request_.supervisor_path, checked_.gateways, request_.workspace}));
    run.read_only_mounts.insert(run.read_only_mounts.end(), checked_.mounts.begin(), checked_.mounts.end());
    run.echo_output = request_.echo_output;
    return run;
  }

  Status finish() {
    const runner::RunResult& run = result_.run;
    bool ok = run.succeeded();
    store::RunRecord row =
        admission::finished_run(result_.run_id, run, ok ? store::state::kSucceeded : store::state::kFailed);
    return store_.with([&](store::Transaction& tx) -> Status {
      return tx.atomically([&]() -> Status {
        CORRAL_RETURN_IF_ERROR(tx.records.finish_run(row));
        CORRAL_RETURN_IF_ERROR(tx.queue.transition(result_.task_id, {store::TaskState::kRunning},
                                                   ok ? store::TaskState::kSucceeded : store::TaskState::kFailed,
                                                   ok ? "" : run.reason()));
        return record(tx, ok ? "task.finished" : "task.failed", admission::outcome_payload(run));
      });
    });
  }

  // corral could not do its part: the task is failed with the reason, which is
  // also what the caller gets.
  Status fail(const Status& why) {
    store::RunRecord run;
    run.id = result_.run_id;
    run.state = store::state::kFailed;
    run.base_commit = checked_.base_commit;
    run.reason = why.message();
    // Best effort: the caller gets `why` whatever happens here; what could
    // not be recorded is logged, and reconciliation fails the run later.
    Status recorded = store_.with([&](store::Transaction& tx) -> Status {
      return tx.atomically([&]() -> Status {
        CORRAL_RETURN_IF_ERROR(tx.records.finish_run(run));  // no row yet (never started): changes nothing
        CORRAL_RETURN_IF_ERROR(tx.queue.transition(result_.task_id,
                                                   {store::TaskState::kQueued, store::TaskState::kRunning},
                                                   store::TaskState::kFailed, why.message()));
        return record(tx, "task.failed", {{"reason", why.message()}, {"code", std::string(code_name(why.code()))}});
      });
    });
    if (!recorded.is_ok()) spdlog::warn("recording the failure of {}: {}", result_.task_id, recorded.to_string());
    std::remove(layout_.run_lock(result_.run_id).c_str());
    return why;
  }

  const OneShotRequest& request_;
  const CheckedRequest& checked_;
  const DataLayout& layout_;
  store::Store& store_;
  containers::SandboxBackend& backend_;
  store::RepoRecord repo_;
  OneShotResult result_;
};

}  // namespace

Result<containers::ReadOnlyMount> parse_mount(const std::string& text, const std::string& data_dir) {
  size_t colon = text.find(':');
  std::string host = text.substr(0, colon);
  std::error_code ec;
  fs::path canonical = fs::canonical(host, ec);
  if (ec) return Status::invalid_argument("--mount-ro " + text + ": " + host + " does not exist");
  std::string sandbox = colon == std::string::npos ? canonical.string() : text.substr(colon + 1);
  CORRAL_RETURN_IF_ERROR(policy::check_host_mount(canonical.string(), policy::forbidden_host_paths(data_dir))
                             .with_context("--mount-ro " + text));
  CORRAL_RETURN_IF_ERROR(policy::check_sandbox_target(sandbox).with_context("--mount-ro " + text));
  return containers::ReadOnlyMount{canonical.string(), sandbox};
}

Result<OneShotResult> run_one_shot(const OneShotRequest& request, const Clock& clock) {
  DataLayout layout = layout_for(request.data_dir);
  CORRAL_ASSIGN_OR_RETURN(CheckedRequest checked, check_request(request, layout.root()));
  CORRAL_ASSIGN_OR_RETURN(auto backend, scheduler::backend_for_run(layout, request.backend, request.image));
  CORRAL_RETURN_IF_ERROR(backend->check_image(request.image));

  auto data_dir = prepare_data_dir(layout.root());
  if (!data_dir.is_ok()) return data_dir.status();
  if (!layout.create_directories()) return Status::permission_denied("cannot create directories in " + *data_dir);
  CORRAL_ASSIGN_OR_RETURN(auto store, store::Store::open(layout.database(), clock));
  auto others = scheduler::backends_to_reconcile(layout);
  std::vector<containers::SandboxBackend*> to_reconcile = {backend.get()};
  for (auto& other : others) {
    if (other->kind() != backend->kind()) to_reconcile.push_back(other.get());
  }
  auto reconciled = store->with([&](store::Transaction& tx) {
    return scheduler::reconcile(layout, tx.records, tx.queue, tx.events, to_reconcile);
  });
  if (!reconciled.is_ok()) return reconciled.status().with_context("cleaning up after an earlier run");
  return OneShot(request, checked, layout, *store, *backend).run();
}

}  // namespace corral::daemon
