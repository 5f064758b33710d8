// `corral serve`'s engine: the scheduler and the commit step, each on its own
// thread, both woken by every change to a task (store::Store's task
// listener) rather than by a timer, the commit step's merge queues each on a
// thread of their own; and the alerts: the watcher, woken by
// every stored event, and the courier, woken by every queued delivery. The
// HTTP server runs beside it (daemon/serve).
#pragma once

#include <atomic>
#include <chrono>

#include "alerts/courier.h"
#include "alerts/watcher.h"
#include "core/wakeup.h"
#include "merge/commit_step.h"
#include "merge/merge_queues.h"
#include "metrics/event_metrics.h"
#include "scheduler/scheduler.h"
#include "store/store.h"

namespace corral::daemon {

class Daemon {
 public:
  // Does not own its arguments. Becomes `store`'s task listener, until it goes.
  // `metrics`, if any, counts every event as the alert watcher reads it.
  Daemon(store::Store& store, scheduler::Scheduler& scheduler, merge::CommitStep& commit_step,
         const alerts::RetryPolicy& alert_retries = {}, metrics::EventMetrics* metrics = nullptr,
         const merge::QueueBackoff& queue_backoff = {});
  ~Daemon();
  Daemon(const Daemon&) = delete;
  Daemon& operator=(const Daemon&) = delete;

  // Runs the scheduler and the commit step until `stop` is set and wake() is
  // called. The scheduler puts running tasks back in the queue; a merge under
  // way is finished first.
  void run(const std::atomic<bool>& stop);
  // Wakes every thread (a task changed, or `stop` was set). Thread-safe.
  void wake();

 private:
  void commit_loop(const std::atomic<bool>& stop);

  store::Store& store_;
  scheduler::Scheduler& scheduler_;
  merge::CommitStep& commit_step_;
  Wakeup commit_wakeup_;
  merge::MergeQueues queues_;  // wakes commit_wakeup_: made after it
  alerts::Courier courier_;
  alerts::AlertWatcher watcher_;  // wakes courier_: made after it
};

}  // namespace corral::daemon
