// `corral serve`'s engine: the scheduler and the commit step, each on its own
// thread, until asked to stop. The HTTP server runs beside it (daemon/serve).
#pragma once

#include <atomic>
#include <chrono>

#include "merge/commit_step.h"
#include "scheduler/scheduler.h"

namespace corral::daemon {

class Daemon {
 public:
  // Does not own `scheduler` or `commit_step`.
  Daemon(scheduler::Scheduler& scheduler, merge::CommitStep& commit_step, std::chrono::milliseconds idle_wait)
      : scheduler_(scheduler), commit_step_(commit_step), idle_wait_(idle_wait) {}

  // Runs the scheduler and the commit step until `stop` is set. The scheduler
  // puts running tasks back in the queue; a merge under way is finished first.
  void run(const std::atomic<bool>& stop);

 private:
  void commit_loop(const std::atomic<bool>& stop);

  scheduler::Scheduler& scheduler_;
  merge::CommitStep& commit_step_;
  std::chrono::milliseconds idle_wait_;
};

}  // namespace corral::daemon
