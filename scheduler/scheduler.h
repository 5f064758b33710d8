// The scheduler's engine: a scheduling pass (decisions.h decides, this
// carries it out), one worker thread per running task, and recovery after a
// crash. The commit step and the HTTP server run beside it (daemon/).
//
//   queued --start--> running --> succeeded | failed | cancelled
//      ^                 |
//      +--- requeued ----+  (corral's failure: after a back-off, within max_attempts;
//                            a crash of corral: at once, not counted as an attempt)
//   queued --> held (a parent failed, was rejected, cancelled or rolled back)
//   succeeded --> review | merging | refused --> merged | ... (commit_step.h)
//
// State changes are compare-and-swap in the store, made before they are
// acted on, so a task never runs twice at once, even across restarts.
#pragma once

#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "admission/budget_book.h"
#include "admission/run_boundaries.h"
#include "containers/sandbox_backend.h"
#include "core/data_layout.h"
#include "core/stage_hook.h"
#include "core/thread_annotations.h"
#include "core/wakeup.h"
#include "policy/access.h"
#include "runner/task_run.h"
#include "scheduler/decisions.h"
#include "store/store.h"

namespace corral::scheduler {

struct SchedulerOptions {
  Caps caps;
  std::string image;     // for the docker backend
  int max_attempts = 3;  // runs per task before an infrastructure failure is final
  // After corral's own failure a task waits this long before its next run,
  // doubled for each attempt it used (at most a minute), give or take a quarter.
  std::chrono::milliseconds retry_backoff{2000};
  std::string supervisor_path;
  // A pass runs when something changed (wake()); at the latest after this
  // long, as a safety net for a change nobody announced.
  std::chrono::milliseconds backstop{5000};
  admission::GatewayOptions gateways;  // model providers, the proxy's fixed hosts, agents' host programs
  runner::WorkspaceOptions
      workspace;       // how runs' workspaces are made (overlay or worktree), the checkout cache's limits
  StageHook at_stage;  // called as each stage of a run begins (crash tests pause there)
};

// How long a task waits after its `attempts`-th run failed for corral's own
// reasons: `base` doubled per attempt used, at most a minute, times `jitter`
// (0.75..1.25, so tasks that failed together do not all retry at once).
std::chrono::milliseconds retry_delay(std::chrono::milliseconds base, int attempts, double jitter);

class Scheduler {
 public:
  // Does not own `store` or `backend`.
  Scheduler(store::Store& store, DataLayout layout, containers::SandboxBackend& backend, SchedulerOptions options);
  ~Scheduler();  // waits for the running tasks' worker threads (joins them)

  // After a crash: removes orphan sandboxes and worktrees; abandoned runs'
  // tasks go back to the queue (or fail when out of attempts).
  Status recover();
  // One scheduling pass: holds and starts.
  Status tick();
  // Runs a pass whenever woken (or after the backstop) until `stop` is set
  // and it is woken; then stops running sandboxes and puts their tasks back
  // in the queue (the next start runs them again).
  void run(const std::atomic<bool>& stop);
  // Something the scheduler decides on changed (a submission, a task's
  // state, a run's end): the next pass runs now. Thread-safe and cheap.
  void wake() { wakeup_.notify(); }
  // Stops the sandbox of a running task (the API already marked it cancelled).
  void cancel_running(const std::string& task_id);
  // Stops the sandbox of a running task a kill switch covers (each pass looks):
  // asks it to stop, and kills it on a pass kKillSwitchGrace later; its end
  // puts the task back in the queue, with `why`, no attempt counted.
  void stop_for_kill_switch(const std::string& task_id, const std::string& why);
  static constexpr std::chrono::seconds kKillSwitchGrace{10};

  int running_count();

 private:
  struct Running;
  Status start(const std::string& task_id, const std::string& base_task);
  // queued -> held, with task.held saying why (one transaction).
  Status hold(const std::string& task_id, const std::string& reason);
  // Queued tasks a pass reads at most to choose what starts.
  static constexpr int kCandidatesPerPass = 64;
  struct Plan {
    store::QueuedTask task;
    store::RepoRecord repo;
    std::string base_commit;  // the parent's head for a stacked task, else resolved in prepare_mirror
  };
  void execute(const std::string& task_id, const std::string& run_id, const std::string& base_task);
  Result<Plan> plan_for(const std::string& task_id, const std::string& base_task);
  Status prepare_mirror(Plan& plan);
  Result<runner::RunRequest> run_request(const std::string& task_id, const std::string& run_id,
                                         const std::string& base_task);
  // Records a run's end; if the store refuses, keeps it to record on a later pass.
  void finish(const std::string& task_id, const std::string& run_id, const Result<runner::RunResult>& outcome);
  // The run row, the task's state, the outcome and the event, in one
  // transaction; the store's refusal (and nothing written) otherwise.
  Status record_end(const std::string& task_id, const std::string& run_id, const Result<runner::RunResult>& outcome);
  void retry_unrecorded_ends() CORRAL_EXCLUDES(mutex_);
  void reap_finished();
  // Tasks still waiting out their back-off (expired ones are dropped).
  std::set<std::string> tasks_backing_off() CORRAL_EXCLUDES(mutex_);
  // How long the loop may sleep: the backstop, or less when a back-off ends sooner.
  std::chrono::milliseconds next_wait() CORRAL_EXCLUDES(mutex_);
  // A retried task's branch from an earlier, finished attempt is removed
  // from the user's repository so the new attempt can publish its own.
  Status clear_earlier_publication(const std::string& task_id, const std::string& source_path);

  store::Store& store_;
  DataLayout layout_;
  containers::SandboxBackend& backend_;
  admission::BudgetBook budgets_;
  SchedulerOptions options_;
  std::atomic<bool> stopping_{false};
  Wakeup wakeup_;
  Mutex mutex_;
  std::map<std::string, std::unique_ptr<Running>> running_ CORRAL_GUARDED_BY(mutex_);  // by task id
  std::map<std::string, MonotonicPoint> not_before_ CORRAL_GUARDED_BY(mutex_);         // backing off, by task id
  struct SwitchedOff {
    std::string why;
    MonotonicPoint asked;  // when it was asked to stop
    bool killed = false;
  };
  std::map<std::string, SwitchedOff> switched_off_ CORRAL_GUARDED_BY(mutex_);  // stopped by a kill switch
  struct RunEnd {
    std::string task_id, run_id;
    Result<runner::RunResult> outcome;
  };
  // Ends the store refused (full or read-only): retried at most once a second,
  // so a database that refuses writes is not hammered.
  std::vector<RunEnd> unrecorded_ends_ CORRAL_GUARDED_BY(mutex_);
  MonotonicPoint retry_ends_at_ CORRAL_GUARDED_BY(mutex_){};
  static constexpr std::chrono::seconds kRetryEndsEvery{1};
  std::mt19937 jitter_ CORRAL_GUARDED_BY(mutex_){std::random_device{}()};
};

}  // namespace corral::scheduler
