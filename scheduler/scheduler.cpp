#include "scheduler/scheduler.h"

#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>

#include "admission/learning.h"
#include "admission/run_bridge.h"
#include "admission/task_routing.h"
#include "core/file_lock.h"
#include "core/ids.h"
#include "core/stage_hook.h"
#include "git/mirror.h"
#include "git/revision.h"
#include "routing/grant.h"
#include "scheduler/backends.h"
#include "scheduler/reconcile.h"
#include "store/event_record.h"

namespace corral::scheduler {

using json = nlohmann::json;

struct Scheduler::Running {
  std::string run_id;
  FileLock lock;
  std::thread thread;
  std::atomic<bool> done{false};
};

Scheduler::Scheduler(store::Store& store, DataLayout layout, containers::SandboxBackend& backend,
                     SchedulerOptions options)
    : store_(store), layout_(std::move(layout)), backend_(backend), options_(std::move(options)) {}

Scheduler::~Scheduler() {
  std::map<std::string, std::unique_ptr<Running>> running;
  {
    MutexLock lock(mutex_);
    running.swap(running_);
  }
  for (auto& [task, run] : running) {
    if (run->thread.joinable()) run->thread.join();
  }
}

int Scheduler::running_count() {
  MutexLock lock(mutex_);
  return static_cast<int>(running_.size());
}

std::chrono::milliseconds retry_delay(std::chrono::milliseconds base, int attempts, double jitter) {
  double doubled = static_cast<double>(base.count()) * std::pow(2.0, std::max(0, attempts - 1));
  double capped = std::min(doubled, 60'000.0);
  return std::chrono::milliseconds(static_cast<int64_t>(capped * jitter));
}

Status Scheduler::recover() {
  auto others = backends_to_reconcile(layout_);
  std::vector<containers::SandboxBackend*> backends = {&backend_};
  for (auto& other : others) {
    if (other->kind() != backend_.kind()) backends.push_back(other.get());
  }
  int max_attempts = options_.max_attempts;
  return store_.with([&](store::Transaction& store) -> Status {
    // corral stopped, not the task: the run does not count as one of its attempts.
    auto requeue = [&](const store::RunRecord& run, const std::string& reason) -> Status {
      CORRAL_RETURN_IF_ERROR(store.queue.forgive_attempt(run.task_id));
      auto task = store.queue.find(run.task_id);
      if (!task.is_ok()) return task.status();
      if (!*task) return Status::ok();
      bool retry = (*task)->attempts < max_attempts;
      CORRAL_RETURN_IF_ERROR(store.queue.transition(run.task_id, {store::TaskState::kRunning},
                                                    retry ? store::TaskState::kQueued : store::TaskState::kFailed,
                                                    reason));
      return store::TaskEvent(retry ? "task.requeued" : "task.failed", **task)
          .run(run.id)
          .payload({{"reason", reason}, {"attempts", (*task)->attempts}, {"recovered", true}})
          .record(store.events);
    };
    auto report = reconcile(layout_, store.records, store.queue, store.events, backends, requeue);
    if (!report.is_ok()) return report.status();
    spdlog::info(
        "recovered: {} abandoned run(s), {} task(s) left running without a run, {} orphan sandbox(es), {} "
        "stray run lock(s) and {} stray worktree(s) or run directories removed",
        report->runs_failed, report->tasks_repaired, report->sandboxes_removed, report->locks_removed,
        report->leftovers_removed);
    return Status::ok();
  });
}

namespace {

std::vector<TaskView> views_of(const std::vector<store::TaskSummary>& tasks) {
  std::vector<TaskView> views;
  views.reserve(tasks.size());
  for (const auto& task : tasks) {
    views.push_back({task.id, task.repo_id, task.agent, task.priority, task.seq, task.state, task.parents});
  }
  return views;
}

}  // namespace

Status Scheduler::tick() {
  reap_finished();
  retry_unrecorded_ends();
  std::set<std::string> backing_off = tasks_backing_off();
  std::vector<std::pair<std::string, std::string>> to_stop;  // (task, why): runs a kill switch covers
  auto snapshot = store_.with([&](store::Transaction& store) -> Result<std::vector<store::TaskSummary>> {
    CORRAL_ASSIGN_OR_RETURN(auto running, store.queue.running_tasks());
    CORRAL_ASSIGN_OR_RETURN(auto switches, store.kill_switches.all());
    store::Stopped stopped = store::stopped_by(switches);
    for (const auto& task : running) {
      if (const store::KillSwitch* covering = store::covering(switches, task.repo_id, task.agent)) {
        to_stop.emplace_back(
            task.id, "the " + covering->scope + " kill switch is on (" + covering->by + ": " + covering->reason + ")");
      }
    }
    Room room = room_left(views_of(running), options_.caps);
    // No start where a kill switch is on; the tasks wait in the queue.
    room.full_repos.insert(room.full_repos.end(), stopped.repos.begin(), stopped.repos.end());
    room.full_agents.insert(room.full_agents.end(), stopped.agents.begin(), stopped.agents.end());
    // Enough candidates to fill the room even where one repository or agent
    // takes only some; a start wakes the next pass for the rest.
    return store.queue.scheduling_snapshot({room.full_repos, room.full_agents,
                                            std::vector<std::string>(backing_off.begin(), backing_off.end()),
                                            room.global > 0 && !stopped.global ? kCandidatesPerPass : 0});
  });
  if (!snapshot.is_ok()) return snapshot.status();
  for (const auto& [task_id, why] : to_stop) stop_for_kill_switch(task_id, why);
  std::vector<TaskView> views = views_of(*snapshot);
  std::erase_if(views, [&](const TaskView& task) { return backing_off.count(task.id) > 0; });
  for (const Decision& decision : schedule(views, options_.caps)) {
    if (decision.kind == Decision::Kind::kHold) {
      Status held = hold(decision.task, decision.reason);
      if (!held.is_ok()) spdlog::warn("could not hold {}: {}", decision.task, held.to_string());
      continue;
    }
    Status started = start(decision.task, decision.base_task);
    if (!started.is_ok()) spdlog::warn("could not start {}: {}", decision.task, started.to_string());
  }
  return Status::ok();
}

Status Scheduler::hold(const std::string& task_id, const std::string& reason) {
  return store_.with([&](store::Transaction& tx) {
    return tx.atomically([&]() -> Status {
      CORRAL_ASSIGN_OR_RETURN(auto task, tx.queue.find(task_id));
      if (!task) return Status::not_found("no task " + task_id);
      CORRAL_RETURN_IF_ERROR(
          tx.queue.transition(task_id, {store::TaskState::kQueued}, store::TaskState::kHeld, reason));
      return store::TaskEvent("task.held", *task).payload({{"reason", reason}}).record(tx.events);
    });
  });
}

// Marks the task running and records its run (one transaction, after the
// run's liveness lock is held), then hands it to a worker thread.
Status Scheduler::start(const std::string& task_id, const std::string& base_task) {
  {
    // A cancelled run's worker may still be winding down when its task is
    // retried: the task starts again once that worker is reaped (its end
    // wakes the scheduler). Replacing it here would destroy a running thread.
    MutexLock guard(mutex_);
    if (running_.count(task_id)) return Status::ok();
  }
  auto running = std::make_unique<Running>();
  running->run_id = new_id("r");
  auto lock = FileLock::acquire(layout_.run_lock(running->run_id));
  if (!lock.is_ok()) return lock.status();
  running->lock = std::move(*lock);
  Status marked = store_.with([&](store::Transaction& store) -> Status {
    return store.db.in_transaction([&]() -> Status {
      CORRAL_RETURN_IF_ERROR(
          store.queue.transition(task_id, {store::TaskState::kQueued}, store::TaskState::kRunning, ""));
      CORRAL_RETURN_IF_ERROR(store.queue.count_attempt(task_id));
      store::RunRecord run;
      run.id = running->run_id;
      run.task_id = task_id;
      run.state = store::state::kRunning;
      CORRAL_RETURN_IF_ERROR(store.records.insert_run(run));
      CORRAL_ASSIGN_OR_RETURN(auto task, store.queue.find(task_id));
      if (!task) return Status::not_found("task " + task_id + " vanished");
      return store::TaskEvent("task.started", *task)
          .run(run.id)
          .payload({{"backend", backend_.kind()}, {"base_task", base_task}})
          .record(store.events);
    });
  });
  if (!marked.is_ok()) {
    std::remove(layout_.run_lock(running->run_id).c_str());  // no run was recorded: nothing to lock
    return marked;
  }
  Running* raw = running.get();
  {
    MutexLock guard(mutex_);
    running_[task_id] = std::move(running);
  }
  raw->thread = std::thread([this, task_id, run_id = raw->run_id, base_task, raw] {
    execute(task_id, run_id, base_task);
    raw->done = true;
    wake();  // to reap it, even if recording its end failed
  });
  return Status::ok();
}

void Scheduler::execute(const std::string& task_id, const std::string& run_id, const std::string& base_task) {
  reached(options_.at_stage, "start");
  auto request = run_request(task_id, run_id, base_task);
  if (!request.is_ok()) return finish(task_id, run_id, request.status());
  // Publication is a run's last step: if the branch is in the user's repository
  // already, an earlier attempt finished its work and died before recording
  // it. That work stands; running again could never publish over it.
  Status cleared = clear_earlier_publication(task_id, request->source_path);
  if (!cleared.is_ok()) return finish(task_id, run_id, cleared);
  auto published = git::branch_commit(request->source_path, runner::task_branch(task_id));
  if (published.is_ok()) {
    runner::RunResult earlier;
    earlier.exit.exit_code = 0;
    earlier.branch = runner::task_branch(task_id);
    earlier.base_commit = request->base_commit;
    earlier.head_commit = *published;
    earlier.changed = true;
    earlier.published = true;
    return finish(task_id, run_id, earlier);
  }
  store::StoreSink sink(store_);
  finish(task_id, run_id, runner::run_task(*request, backend_, sink, store_.clock()));
}

Status Scheduler::clear_earlier_publication(const std::string& task_id, const std::string& source_path) {
  std::string branch = runner::task_branch(task_id);
  auto published = git::branch_commit(source_path, branch);
  if (!published.is_ok()) return Status::ok();
  auto runs = store_.with([&](store::Transaction& store) { return store.records.runs_of_task(task_id); });
  if (!runs.is_ok()) return runs.status();
  for (const auto& run : *runs) {
    if (run.state == store::state::kSucceeded && run.head_commit == *published) {
      return git::delete_branch(source_path, branch);
    }
  }
  return Status::ok();  // not a finished attempt's: a crash left it, and execute adopts it
}

void Scheduler::finish(const std::string& task_id, const std::string& run_id,
                       const Result<runner::RunResult>& outcome) {
  reached(options_.at_stage, "finish");
  Status recorded = record_end(task_id, run_id, outcome);
  if (recorded.is_ok()) return;
  spdlog::error("the end of {} could not be recorded; trying again each second: {}", task_id, recorded.to_string());
  MutexLock lock(mutex_);
  if (unrecorded_ends_.empty()) retry_ends_at_ = store_.clock().monotonic() + kRetryEndsEvery;
  unrecorded_ends_.push_back({task_id, run_id, outcome});
}

void Scheduler::retry_unrecorded_ends() {
  std::vector<RunEnd> ends;
  MonotonicPoint now = store_.clock().monotonic();
  {
    MutexLock lock(mutex_);
    if (now < retry_ends_at_) return;
    ends.swap(unrecorded_ends_);
  }
  for (RunEnd& end : ends) {
    if (record_end(end.task_id, end.run_id, end.outcome).is_ok()) {
      spdlog::info("recorded the end of {} at last", end.task_id);
      continue;
    }
    MutexLock lock(mutex_);
    unrecorded_ends_.push_back(std::move(end));
    retry_ends_at_ = now + kRetryEndsEvery;
  }
}

Status Scheduler::record_end(const std::string& task_id, const std::string& run_id,
                             const Result<runner::RunResult>& outcome) {
  int max_attempts = options_.max_attempts;
  double jitter = 0;
  {
    MutexLock lock(mutex_);
    jitter = std::uniform_real_distribution<double>(0.75, 1.25)(jitter_);
  }
  std::optional<std::chrono::milliseconds> back_off;  // set when corral's failure requeues the task
  std::optional<std::string> switched_off;            // why, when a kill switch stopped the run
  {
    MutexLock lock(mutex_);
    if (auto it = switched_off_.find(task_id); it != switched_off_.end()) switched_off = it->second.why;
  }
  auto write_end = [&](store::Transaction& store) -> Status {
    auto task = store.queue.find(task_id);
    if (!task.is_ok() || !*task) return Status::not_found("task " + task_id + " vanished");
    store::RunRecord run;
    run.id = run_id;
    bool cancelled = (*task)->state == store::TaskState::kCancelled;
    if (switched_off) {
      // Stopped by a kill switch: not the agent's failure nor an attempt; the
      // task waits in the queue until the switch is off.
      run.state = cancelled ? "cancelled" : store::state::kFailed;
      run.reason = "stopped by corral: " + *switched_off;
      CORRAL_RETURN_IF_ERROR(store.records.finish_run(run));
      if (cancelled) return Status::ok();
      CORRAL_RETURN_IF_ERROR(store.queue.forgive_attempt(task_id));
      CORRAL_RETURN_IF_ERROR(
          store.queue.transition(task_id, {store::TaskState::kRunning}, store::TaskState::kQueued, run.reason));
      return store::TaskEvent("task.requeued", **task)
          .run(run_id)
          .payload({{"reason", run.reason}, {"kill_switch", true}})
          .record(store.events);
    }
    if (!outcome.is_ok()) {
      // corral could not do its part: retry within the budget.
      run.state = cancelled ? "cancelled" : store::state::kFailed;
      run.reason = outcome.status().message();
      CORRAL_RETURN_IF_ERROR(store.records.finish_run(run));
      if (cancelled) return Status::ok();
      bool retry = (*task)->attempts < max_attempts;
      CORRAL_RETURN_IF_ERROR(store.queue.transition(task_id, {store::TaskState::kRunning},
                                                    retry ? store::TaskState::kQueued : store::TaskState::kFailed,
                                                    run.reason));
      json payload = {{"reason", run.reason}, {"attempts", (*task)->attempts}, {"infrastructure", true}};
      if (retry) {
        back_off = retry_delay(options_.retry_backoff, (*task)->attempts, jitter);
        payload["retry_in_ms"] = back_off->count();
      }
      return store::TaskEvent(retry ? "task.requeued" : "task.failed", **task)
          .run(run_id)
          .payload(payload)
          .record(store.events);
    }
    if (stopping_) {
      run.state = store::state::kFailed;
      run.reason = "the daemon stopped during the run";
      CORRAL_RETURN_IF_ERROR(store.records.finish_run(run));
      if (cancelled) return Status::ok();
      CORRAL_RETURN_IF_ERROR(
          store.queue.transition(task_id, {store::TaskState::kRunning}, store::TaskState::kQueued, run.reason));
      return store::TaskEvent("task.requeued", **task)
          .run(run_id)
          .payload({{"reason", run.reason}})
          .record(store.events);
    }
    const runner::RunResult& result = *outcome;
    bool ok = result.succeeded();
    run = admission::finished_run(run_id, result,
                                  cancelled ? "cancelled"
                                  : ok      ? store::state::kSucceeded
                                            : store::state::kFailed);
    if (cancelled) run.reason = (*task)->reason;
    CORRAL_RETURN_IF_ERROR(store.records.finish_run(run));
    if (cancelled) return Status::ok();
    store::TaskState ended = ok ? store::TaskState::kSucceeded : store::TaskState::kFailed;
    CORRAL_RETURN_IF_ERROR(store.queue.transition(task_id, {store::TaskState::kRunning}, ended, ok ? "" : run.reason));
    // The agent's own failure is an outcome routing learns from; corral's (above) is not.
    CORRAL_RETURN_IF_ERROR(admission::learn_if_outcome(store, **task, ended));
    return store::TaskEvent(ok ? "task.finished" : "task.failed", **task)
        .run(run_id)
        .payload(admission::outcome_payload(result))
        .record(store.events);
  };
  // The run's row, the task's state, the outcome and the event: all or none.
  Status status = store_.with([&](store::Transaction& tx) { return tx.atomically([&] { return write_end(tx); }); });
  if (switched_off && (status.is_ok() || status.code() == Code::kNotFound)) {
    MutexLock lock(mutex_);
    switched_off_.erase(task_id);
  }
  if (status.code() == Code::kNotFound) {
    spdlog::warn("the end of {}: {}", task_id, status.to_string());  // nothing left to record it on
    return Status::ok();
  }
  // Refused: the task stays running in the store, holding its slot, until a
  // later pass records its end (the database may be full or read-only a while).
  if (!status.is_ok()) return status;
  if (back_off) {
    MutexLock lock(mutex_);
    not_before_[task_id] = store_.clock().monotonic() + *back_off;
  }
  std::remove(layout_.run_lock(run_id).c_str());
  return Status::ok();
}

void Scheduler::reap_finished() {
  std::vector<std::unique_ptr<Running>> finished;
  {
    MutexLock lock(mutex_);
    for (auto it = running_.begin(); it != running_.end();) {
      if (it->second->done) {
        finished.push_back(std::move(it->second));
        it = running_.erase(it);
      } else {
        ++it;
      }
    }
  }
  for (auto& run : finished) run->thread.join();
}

void Scheduler::stop_for_kill_switch(const std::string& task_id, const std::string& why) {
  std::string run_id;
  bool first = false, overdue = false;
  MonotonicPoint now = store_.clock().monotonic();
  {
    MutexLock lock(mutex_);
    auto it = running_.find(task_id);
    if (it == running_.end()) return;  // not ours to run
    run_id = it->second->run_id;
    auto [stopping, inserted] = switched_off_.try_emplace(task_id, SwitchedOff{why, now});
    first = inserted;
    overdue = !inserted && !stopping->second.killed && now - stopping->second.asked >= kKillSwitchGrace;
    if (overdue) stopping->second.killed = true;
  }
  // Asked first (SIGTERM, as a budget cut asks); killed on a pass after the grace.
  std::string sandbox = runner::sandbox_name(run_id);
  if (first) spdlog::warn("stopping {}: {}", task_id, why);
  Status done = first ? backend_.terminate(sandbox) : overdue ? backend_.kill(sandbox) : Status::ok();
  if (!done.is_ok()) spdlog::warn("stopping {}: {}", task_id, done.to_string());
}

void Scheduler::cancel_running(const std::string& task_id) {
  std::string run_id;
  {
    MutexLock lock(mutex_);
    auto it = running_.find(task_id);
    if (it == running_.end()) return;
    run_id = it->second->run_id;
  }
  Status killed = backend_.kill(runner::sandbox_name(run_id));
  if (!killed.is_ok()) spdlog::warn("cancelling {}: {}", task_id, killed.to_string());
}

std::set<std::string> Scheduler::tasks_backing_off() {
  MonotonicPoint now = store_.clock().monotonic();
  MutexLock lock(mutex_);
  std::set<std::string> waiting;
  for (auto it = not_before_.begin(); it != not_before_.end();) {
    if (it->second <= now) {
      it = not_before_.erase(it);
      continue;
    }
    waiting.insert(it->first);
    ++it;
  }
  return waiting;
}

std::chrono::milliseconds Scheduler::next_wait() {
  std::chrono::milliseconds wait = options_.backstop;
  MonotonicPoint now = store_.clock().monotonic();
  MutexLock lock(mutex_);
  auto until_then = [&](MonotonicPoint until) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - now) + std::chrono::milliseconds(1);
    wait = std::max(std::chrono::milliseconds(1), std::min(wait, left));
  };
  for (const auto& [task, until] : not_before_) until_then(until);
  if (!unrecorded_ends_.empty()) until_then(retry_ends_at_);
  return wait;
}

void Scheduler::run(const std::atomic<bool>& stop) {
  while (!stop) {
    Status ticked = tick();
    if (!ticked.is_ok()) spdlog::error("scheduling pass: {}", ticked.to_string());
    (void)store_.clock().wait(wakeup_, next_wait());  // a wake-up, a backed-off task's time, or the backstop
  }
  stopping_ = true;
  std::vector<std::string> tasks;
  {
    MutexLock lock(mutex_);
    for (const auto& [task, running] : running_) tasks.push_back(task);
  }
  for (const std::string& task : tasks) cancel_running(task);
  while (running_count() > 0) {
    reap_finished();
    (void)wakeup_.wait_for(std::chrono::milliseconds(50));  // each worker wakes us as it ends
  }
}

}  // namespace corral::scheduler
