#include "runner/task_run.h"

#include <fcntl.h>
#include <unistd.h>

#include <condition_variable>
#include <filesystem>
#include <mutex>

#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include "core/file_lock.h"
#include "git/mirror.h"
#include "git/publish.h"
#include "git/snapshot.h"
#include "runner/output_recorder.h"

namespace corral::runner {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kSandboxPrefix = "corral-";
constexpr size_t kSubjectMax = 72;
// corral kills at the deadline; the supervisor's own deadline is a backstop for
// when corral is gone, so it comes a little later.
constexpr int64_t kSupervisorGraceSeconds = 10;
// A run corral stops (a spent budget) is asked first (SIGTERM), then killed
// if it has not ended after this long.
constexpr std::chrono::seconds kStopGrace{10};

std::string subject_of(const std::string& prompt) {
  std::string first = prompt.substr(0, prompt.find('\n'));
  if (first.size() > kSubjectMax) first = first.substr(0, kSubjectMax - 3) + "...";
  return "corral: " + first;
}

// The run's events come from its waiting thread and its gateways' threads.
class SerializedSink final : public EventSink {
 public:
  explicit SerializedSink(EventSink& inner) : inner_(inner) {}
  Status record(const Event& event) override {
    std::lock_guard lock(mutex_);
    return inner_.record(event);
  }

 private:
  EventSink& inner_;
  std::mutex mutex_;
};

class TaskRun {
 public:
  TaskRun(const RunRequest& request, containers::SandboxBackend& backend, EventSink& events, const Clock& clock)
      : request_(request),
        backend_(backend),
        events_(events),
        clock_(clock),
        sandbox_(sandbox_name(request.run_id)),
        workspace_(workspace_plan(request)) {
    result_.branch = branch_of(request);
    result_.base_commit = request.base_commit;
    result_.head_commit = request.base_commit;
  }

  Result<RunResult> run() {
    Status status = timed("prepare", [&] { return prepare(); });
    if (status.is_ok() && request_.is_cancelled && request_.is_cancelled()) {
      status = Status::failed_precondition("cancelled before the agent started");
    }
    if (status.is_ok()) status = timed("run", [&] { return supervise(); });
    if (status.is_ok() && !checking()) status = timed("collect", [&] { return collect(); });
    Status cleaned = timed("clean up", [&] { return clean_up(); });
    if (!status.is_ok()) return status;
    if (!cleaned.is_ok()) return cleaned;
    return result_;
  }

 private:
  bool checking() const { return request_.purpose == RunPurpose::kCheck; }

  // Operators see how long each stage took with CORRAL_LOG=debug.
  Status timed(const char* stage, const std::function<Status()>& body) {
    if (request_.on_stage) request_.on_stage(stage);
    MonotonicPoint start = clock_.monotonic();
    Status status = body();
    spdlog::debug("run {}: {} took {} ms ({})", request_.run_id, stage, clock_.since(start).count(),
                  status.to_string());
    return status;
  }

  Event event(const std::string& type, const nlohmann::json& payload) const {
    Event e{type, request_.task_id, request_.run_id, request_.repo_id, request_.agent_command, request_.run_id, "{}"};
    set_payload(e, payload);
    return e;
  }

  Status record(const std::string& type, const nlohmann::json& payload) { return events_.record(event(type, payload)); }

  // For events from other threads (the gateways) and from the agent's own
  // output: a failure to record is logged, it does not end the run.
  void emit(const std::string& type, const nlohmann::json& payload) {
    Status recorded = record(type, payload);
    if (!recorded.is_ok()) spdlog::error("recording {}: {}", type, recorded.to_string());
  }

  static std::string branch_of(const RunRequest& request) {
    return request.purpose == RunPurpose::kCheck ? "corral-check/" + request.run_id : task_branch(request.task_id);
  }

  // A check runs on a merge's result, a new commit each time: nothing to
  // share through the checkout cache, so it gets a worktree.
  static WorkspacePlan workspace_plan(const RunRequest& request) {
    bool checking = request.purpose == RunPurpose::kCheck;
    return {request.run_id,        request.mirror_path, request.mirror_lock_path,
            request.repo_id,       branch_of(request),  request.base_commit,
            request.worktree_path, request.layer_path,  checking ? "" : request.checkout_cache_path,
            request.workspace};
  }

  Status prepare() {
    {
      auto lock = FileLock::acquire(request_.mirror_lock_path);
      if (!lock.is_ok()) return lock.status();
      CORRAL_RETURN_IF_ERROR(git::create_branch(request_.mirror_path, result_.branch, request_.base_commit));
      branch_created_ = true;
    }
    workspace_made_ = true;  // even a failed one may leave files or a mount behind
    return workspace_.make();
  }

  containers::SandboxSpec sandbox_spec() const {
    containers::SandboxSpec spec;
    spec.name = sandbox_;
    spec.image = request_.image;
    // The prompt travels as "$@", never spliced into the command line.
    spec.argv = {"/bin/sh", "-c", request_.agent_command + " \"$@\"", "agent", request_.prompt};
    if (checking()) spec.argv = {"/bin/sh", "-c", request_.agent_command};
    spec.env = {"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                std::string("HOME=") + containers::kSandboxHome,
                "USER=agent",
                "LANG=C.UTF-8",
                "TERM=dumb",
                "CORRAL_TASK_ID=" + request_.task_id,
                "CORRAL_RUN_ID=" + request_.run_id,
                "CORRAL_PROMPT=" + request_.prompt,
                std::string("CORRAL_REPORT=") + containers::kSupervisorPath + " report"};
    spec.env.insert(spec.env.end(), request_.extra_env.begin(), request_.extra_env.end());
    if (gateways_) {
      std::vector<std::string> proxy = gateways_->environment();
      spec.env.insert(spec.env.end(), proxy.begin(), proxy.end());
      spec.run_dir_host_path = gateways_->run_dir();
      spec.relays = gateways_->relays();
    }
    spec.workspace_host_path = request_.worktree_path;
    spec.git_objects_host_path = request_.mirror_path + "/objects";
    spec.read_only_mounts = request_.read_only_mounts;
    spec.supervisor_host_path = request_.supervisor_path;
    spec.limits = request_.limits;
    spec.supervisor_deadline_seconds = request_.timeout.count() + kSupervisorGraceSeconds;
    spec.labels = {
        {"corral.task", request_.task_id}, {"corral.run", request_.run_id}, {"corral.repo", request_.repo_id}};
    return spec;
  }

  Status start_gateways() {
    GatewayPlan plan = *request_.gateways;
    if (plan.llm) {
      plan.llm->stop_run = [this](const std::string& why) { stop(why); };
    }
    auto started = RunGateways::start(
        std::move(plan), [this](const std::string& type, const nlohmann::json& payload) { emit(type, payload); },
        clock_);
    if (!started.is_ok()) return started.status().with_context("starting the run's gateways");
    gateways_ = std::move(*started);
    return Status::ok();
  }

  // Asks the agent to stop, and kills it if it has not after kStopGrace.
  // Called from a gateway's thread; the run's end (sandbox_ended) cuts the wait short.
  void stop(const std::string& why) {
    std::unique_lock lock(stop_mutex_);
    if (!result_.stopped_because.empty()) return;
    result_.stopped_because = why;
    lock.unlock();
    Status asked = backend_.terminate(sandbox_);
    if (!asked.is_ok()) spdlog::warn("stopping run {}: {}", request_.run_id, asked.to_string());
    lock.lock();
    if (stop_cv_.wait_for(lock, kStopGrace, [this] { return sandbox_ended_; })) return;
    lock.unlock();
    Status killed = backend_.kill(sandbox_);
    if (!killed.is_ok()) spdlog::warn("killing run {}: {}", request_.run_id, killed.to_string());
  }

  void sandbox_ended() {
    {
      std::lock_guard lock(stop_mutex_);
      sandbox_ended_ = true;
    }
    stop_cv_.notify_all();
  }

  Status supervise() {
    if (request_.gateways) CORRAL_RETURN_IF_ERROR(start_gateways());
    containers::SandboxSpec spec = sandbox_spec();
    sandbox_made_ = true;
    CORRAL_RETURN_IF_ERROR(backend_.create(spec));
    const auto& limits = request_.limits;
    nlohmann::json workspace = {{"kind", workspace_.kind()}};
    if (!workspace_.why_not_overlay().empty()) workspace["why_not_overlay"] = workspace_.why_not_overlay();
    if (workspace_.overlay()) workspace["cached_checkout"] = workspace_.cache_hit();
    CORRAL_RETURN_IF_ERROR(record("sandbox.created", {{"backend", backend_.kind()},
                                                      {"sandbox", sandbox_},
                                                      {"workspace", workspace},
                                                      {"memory_bytes", limits.memory_bytes},
                                                      {"pids", limits.pids},
                                                      {"cpus", limits.cpus},
                                                      {"timeout_seconds", request_.timeout.count()},
                                                      {"network", network_description()}}));
    CORRAL_RETURN_IF_ERROR(backend_.start(sandbox_));
    OutputRecorder recorder(events_, event(checking() ? "check.output" : "agent.output", nlohmann::json::object()));
    if (request_.echo_output) recorder.set_echo(request_.echo_output);
    std::optional<AgentStreamReader> stream_json;
    if (request_.output) stream_json.emplace(*request_.output);
    auto record_found = [&](const AgentStreamReader::Found& found) {
      for (const auto& [type, payload] : found) emit(type, payload);
    };
    auto exit = backend_.wait(sandbox_, request_.timeout, [&](containers::OutputStream stream, std::string_view chunk) {
      recorder.on_output(stream, chunk);
      if (stream_json && stream == containers::OutputStream::kStdout) {
        record_found(stream_json->feed(chunk));
      }
    });
    recorder.finish();
    if (stream_json) record_found(stream_json->finish());
    sandbox_ended();
    gateways_.reset();  // nothing more goes in or out; their events are all recorded
    if (!exit.is_ok()) return exit.status();
    result_.exit = *exit;
    result_.output_tail = recorder.tail();
    return recorder.first_error();
  }

  std::string network_description() const {
    if (!request_.gateways) return "none";
    std::string ways;
    if (request_.gateways->egress) ways += "egress proxy";
    if (request_.gateways->llm) ways += std::string(ways.empty() ? "" : ", ") + "LLM gateway";
    return ways.empty() ? "none" : ways;
  }

  Status collect() {
    git::CommitDetails details;
    details.subject = subject_of(request_.prompt);
    details.body = request_.prompt.size() > details.subject.size() ? request_.prompt : "";
    details.trailers = {{"Corral-Task", request_.task_id},
                        {"Corral-Run", request_.run_id},
                        {"Corral-Agent", request_.agent_command},
                        {"Corral-Outcome", result_.exit.reason()}};
    auto lock = FileLock::acquire(request_.mirror_lock_path);
    if (!lock.is_ok()) return lock.status();
    auto snapshot = workspace_.collect(details, clock_.now());
    if (!snapshot.is_ok()) return snapshot.status().with_context("collecting the agent's changes");
    result_.head_commit = snapshot->commit;
    result_.changed = snapshot->changed;
    if (!result_.changed) return record("diff.proposed", {{"changed", false}, {"base", request_.base_commit}});

    auto diff = git::diff_commits(request_.mirror_path, request_.base_commit, result_.head_commit);
    if (!diff.is_ok()) return diff.status();
    result_.diff = std::move(*diff);
    nlohmann::json stats = result_.diff;
    CORRAL_RETURN_IF_ERROR(record("diff.proposed", {{"changed", true},
                                                    {"branch", result_.branch},
                                                    {"base", request_.base_commit},
                                                    {"head", result_.head_commit},
                                                    {"stats", stats}}));
    if (!result_.exit.succeeded() && !request_.publish_when_failed) return Status::ok();
    CORRAL_RETURN_IF_ERROR(git::publish_branch(request_.mirror_path, request_.source_path, result_.branch)
                               .with_context("publishing the task branch"));
    result_.published = true;
    return record("branch.published",
                  {{"branch", result_.branch}, {"repository", request_.source_path}, {"head", result_.head_commit}});
  }

  // Runs whatever happened before; keeps the first error.
  Status clean_up() {
    sandbox_ended();
    gateways_.reset();  // if the run ended early, its ways out close first
    Status first;
    auto keep = [&](Status status) {
      if (first.is_ok() && !status.is_ok()) first = status;
    };
    if (sandbox_made_) {
      Status removed = backend_.remove(sandbox_);
      keep(removed);
      keep(record("sandbox.destroyed", {{"sandbox", sandbox_}, {"removed", removed.is_ok()}}));
    }
    if (workspace_made_) keep(workspace_.remove());
    if (branch_created_ && !result_.changed) {
      auto lock = FileLock::acquire(request_.mirror_lock_path);
      keep(lock.is_ok() ? git::delete_branch(request_.mirror_path, result_.branch) : lock.status());
    }
    return first;
  }

  const RunRequest& request_;
  containers::SandboxBackend& backend_;
  SerializedSink events_;
  const Clock& clock_;
  std::string sandbox_;
  RunResult result_;
  bool branch_created_ = false;
  Workspace workspace_;
  bool workspace_made_ = false;
  bool sandbox_made_ = false;
  std::mutex stop_mutex_;  // these three before gateways_: their threads may use them until they stop
  std::condition_variable stop_cv_;
  bool sandbox_ended_ = false;
  std::unique_ptr<RunGateways> gateways_;
};

}  // namespace

std::string RunResult::reason() const {
  return stopped_because.empty() ? exit.reason() : "stopped by corral: " + stopped_because;
}

std::string task_branch(const std::string& task_id) { return "corral/" + task_id; }

std::string sandbox_name(const std::string& run_id) { return std::string(kSandboxPrefix) + run_id; }

std::string run_of_sandbox(const std::string& name) {
  if (name.rfind(kSandboxPrefix, 0) != 0) return "";
  return name.substr(kSandboxPrefix.size());
}

Result<RunResult> run_task(const RunRequest& request, containers::SandboxBackend& backend, EventSink& events,
                           const Clock& clock) {
  return TaskRun(request, backend, events, clock).run();
}

}  // namespace corral::runner
