// The daemon's engine: a scheduling pass every tick (orchestrator/scheduler
// decides, this carries it out), one worker thread per running task, one
// thread for the commit step (proposals and merges, one at a time), and
// recovery after a crash. The HTTP server is separate (http_server.h).
//
//   queued --start--> running --> succeeded | failed | cancelled
//      ^                 |
//      +--- requeued ----+  (infrastructure failure or crash, within max_attempts)
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
#include <string>
#include <thread>

#include "containers/sandbox_backend.h"
#include "orchestrator/budget_book.h"
#include "orchestrator/commit_step.h"
#include "orchestrator/run_boundaries.h"
#include "orchestrator/scheduler.h"
#include "orchestrator/service.h"
#include "runner/task_run.h"

namespace corral::orchestrator {

struct DaemonOptions {
  Caps caps;
  std::string image;              // for the docker backend
  int max_attempts = 3;           // runs per task before an infrastructure failure is final
  std::string supervisor_path;
  std::chrono::milliseconds tick{200};
  GatewayOptions gateways;        // model providers, the proxy's fixed hosts, agents' host programs
};

class Daemon {
 public:
  // Does not own `service` or `backend`.
  Daemon(Service& service, containers::SandboxBackend& backend, DaemonOptions options);
  ~Daemon();  // stops running sandboxes' supervision threads (joins them)

  // After a crash: removes orphan sandboxes and worktrees; abandoned runs'
  // tasks go back to the queue (or fail when out of attempts).
  Status recover();
  // One scheduling pass: holds and starts.
  Status tick();
  // Ticks until `stop` is set, with the commit step working beside it; then
  // stops running sandboxes and puts their tasks back in the queue (the next
  // start runs them again). A merge under way is finished first.
  void run(const std::atomic<bool>& stop);
  // Stops the sandbox of a running task (the service already marked it cancelled).
  void cancel_running(const std::string& task_id);

  int running_count();

 private:
  struct Running;
  Status start(const std::string& task_id, const std::string& base_task);
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
  void finish(const std::string& task_id, const std::string& run_id, const Result<runner::RunResult>& outcome);
  void reap_finished();
  void commit_loop(const std::atomic<bool>& stop);
  // A retried task's branch from an earlier, finished attempt is removed
  // from the user's repository so the new attempt can publish its own.
  Status clear_earlier_publication(const std::string& task_id, const std::string& source_path);

  Service& service_;
  containers::SandboxBackend& backend_;
  BudgetBook budgets_;
  DaemonOptions options_;
  CommitStep commit_step_;
  std::atomic<bool> stopping_{false};
  int passes_skipped_ = 0;  // only touched by tick()
  std::mutex mutex_;                                   // guards running_
  std::map<std::string, std::unique_ptr<Running>> running_;  // by task id
};

}  // namespace corral::orchestrator
