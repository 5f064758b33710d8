#include "daemon/one_shot.h"

#include <unistd.h>

#include <filesystem>

#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include "admission/run_bridge.h"
#include "core/data_dir.h"
#include "core/data_layout.h"
#include "core/file_lock.h"
#include "core/ids.h"
#include "git/mirror.h"
#include "git/revision.h"
#include "policy/mount_rules.h"
#include "scheduler/backends.h"
#include "scheduler/reconcile.h"
#include "store/event_log.h"
#include "store/records.h"
#include "store/task_queue.h"

namespace corral::daemon {
namespace {

namespace fs = std::filesystem;

// What the request becomes once every part of it is checked.
struct CheckedRequest {
  std::string repo_path;  // canonical
  std::string base_commit;
  routing::Grant grant;
  std::vector<containers::ReadOnlyMount> mounts;
};

Result<CheckedRequest> check_request(const OneShotRequest& request, const std::string& data_dir) {
  if (request.agent_command.find_first_not_of(" \t\n") == std::string::npos) {
    return Status::invalid_argument("the agent command is empty");
  }
  if (request.prompt.empty()) return Status::invalid_argument("the prompt is empty");
  CheckedRequest checked;
  std::error_code ec;
  fs::path repo = fs::canonical(request.repo_path, ec);
  if (ec) return Status::invalid_argument("repository " + request.repo_path + " does not exist");
  checked.repo_path = repo.string();
  auto base = git::resolve_commit(checked.repo_path, request.base_rev);
  if (!base.is_ok()) return base.status();
  checked.base_commit = *base;
  auto grant = routing::default_grant(request.limits);
  if (!grant.is_ok()) return grant.status();
  checked.grant = *grant;
  for (const std::string& text : request.mounts) {
    auto mount = parse_mount(text, data_dir);
    if (!mount.is_ok()) return mount.status();
    checked.mounts.push_back(*mount);
  }
  if (::access(request.supervisor_path.c_str(), X_OK) != 0) {
    return Status::failed_precondition("corral-supervisor not found at " + request.supervisor_path);
  }
  return checked;
}

class OneShot {
 public:
  OneShot(const OneShotRequest& request, const CheckedRequest& checked, const DataLayout& layout,
          store::Records& records, store::TaskQueue& queue, store::EventLog& events,
          containers::SandboxBackend& backend, const Clock& clock)
      : request_(request),
        checked_(checked),
        layout_(layout),
        records_(records),
        queue_(queue),
        events_(events),
        backend_(backend),
        clock_(clock) {
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
    Status started = start_run();
    if (!started.is_ok()) return fail(started);
    auto outcome = runner::run_task(run_request(), backend_, events_, clock_);
    if (!outcome.is_ok()) return fail(outcome.status());
    result_.run = std::move(*outcome);
    CORRAL_RETURN_IF_ERROR(finish());
    std::remove(layout_.run_lock(result_.run_id).c_str());
    return result_;
  }

 private:
  Status record(const std::string& type, const nlohmann::json& payload) {
    Event event{type, result_.task_id, result_.run_id, repo_.id, request_.agent_command, result_.run_id, "{}"};
    set_payload(event, payload);
    return events_.record(event);
  }

  Status register_repo() {
    auto start = std::chrono::steady_clock::now();
    Status status = sync_repo();
    spdlog::debug("sync of {} took {:.1f} ms", checked_.repo_path,
                  std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
    return status;
  }

  Status sync_repo() {
    auto repo = records_.ensure_repo(checked_.repo_path, [&](const std::string& id) { return layout_.mirror(id); });
    if (!repo.is_ok()) return repo.status();
    repo_ = *repo;
    auto lock = FileLock::acquire(layout_.mirror_lock(repo_.id));
    if (!lock.is_ok()) return lock.status();
    CORRAL_RETURN_IF_ERROR(git::sync_mirror(repo_.source_path, repo_.mirror_path));
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
    task.agent = request_.agent_command;
    task.base_rev = request_.base_rev;
    task.submitter = "corral run";
    task.timeout_seconds = checked_.grant.limits.timeout.count();
    auto queued = queue_.submit({task});
    if (!queued.is_ok()) return queued.status();
    return record("task.queued", {{"repository", repo_.source_path},
                                  {"base_rev", request_.base_rev},
                                  {"base", checked_.base_commit},
                                  {"prompt", request_.prompt}});
  }

  Status start_run() {
    store::RunRecord run;
    run.id = result_.run_id;
    run.task_id = result_.task_id;
    run.state = store::state::kRunning;
    run.base_commit = checked_.base_commit;
    CORRAL_RETURN_IF_ERROR(records_.insert_run(run));
    CORRAL_RETURN_IF_ERROR(
        queue_.transition(result_.task_id, {store::TaskState::kQueued}, store::TaskState::kRunning, ""));
    nlohmann::json payload = {{"backend", backend_.kind()}, {"base", checked_.base_commit}};
    if (backend_.kind() == "docker") payload["image"] = request_.image;
    return record("task.started", payload);
  }

  runner::RunRequest run_request() const {
    runner::RunRequest run =
        admission::make_run_request(layout_, repo_,
                                    {result_.task_id, result_.run_id, checked_.base_commit, request_.agent_command,
                                     request_.prompt, request_.image, request_.supervisor_path, checked_.grant});
    run.read_only_mounts = checked_.mounts;
    run.echo_output = request_.echo_output;
    return run;
  }

  Status finish() {
    const runner::RunResult& run = result_.run;
    bool ok = run.succeeded();
    store::RunRecord row =
        admission::finished_run(result_.run_id, run, ok ? store::state::kSucceeded : store::state::kFailed);
    CORRAL_RETURN_IF_ERROR(records_.finish_run(row));
    CORRAL_RETURN_IF_ERROR(queue_.transition(result_.task_id, {store::TaskState::kRunning},
                                             ok ? store::TaskState::kSucceeded : store::TaskState::kFailed,
                                             ok ? "" : run.reason()));
    return record(ok ? "task.finished" : "task.failed", admission::outcome_payload(run));
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
    for (const Status& recorded :
         {records_.finish_run(run),
          queue_.transition(result_.task_id, {store::TaskState::kQueued, store::TaskState::kRunning},
                            store::TaskState::kFailed, why.message()),
          record("task.failed", {{"reason", why.message()}, {"code", std::string(code_name(why.code()))}})}) {
      if (!recorded.is_ok()) spdlog::warn("recording the failure of {}: {}", result_.task_id, recorded.to_string());
    }
    std::remove(layout_.run_lock(result_.run_id).c_str());
    return why;
  }

  const OneShotRequest& request_;
  const CheckedRequest& checked_;
  const DataLayout& layout_;
  store::Records& records_;
  store::TaskQueue& queue_;
  store::EventLog& events_;
  containers::SandboxBackend& backend_;
  const Clock& clock_;
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
  auto checked = check_request(request, layout.root());
  if (!checked.is_ok()) return checked.status();
  auto backend = scheduler::backend_for_run(layout, request.backend, request.image);
  if (!backend.is_ok()) return backend.status();
  CORRAL_RETURN_IF_ERROR((*backend)->check_image(request.image));

  auto data_dir = prepare_data_dir(layout.root());
  if (!data_dir.is_ok()) return data_dir.status();
  if (!layout.create_directories()) return Status::permission_denied("cannot create directories in " + *data_dir);
  auto db = store::Database::open(layout.database());
  if (!db.is_ok()) return db.status();
  store::Records records(**db, clock);
  store::TaskQueue queue(**db, clock);
  store::EventLog events(**db, clock);
  auto others = scheduler::backends_to_reconcile(layout);
  std::vector<containers::SandboxBackend*> to_reconcile = {backend->get()};
  for (auto& other : others) {
    if (other->kind() != (*backend)->kind()) to_reconcile.push_back(other.get());
  }
  auto reconciled = scheduler::reconcile(layout, records, queue, events, to_reconcile);
  if (!reconciled.is_ok()) return reconciled.status().with_context("cleaning up after an earlier run");
  return OneShot(request, *checked, layout, records, queue, events, **backend, clock).run();
}

}  // namespace corral::daemon
