// After a crash: every run the store says is unfinished and whose process is
// gone is marked failed with the reason, its worktree removed and its empty
// task branch deleted; every sandbox whose run is not live is removed; a
// task left running with no unfinished run is treated like an abandoned
// run's; run locks of runs that never started are removed. Each step is an
// event. Safe to run at any time: live runs are never touched.
#pragma once

#include <functional>
#include <vector>

#include "containers/sandbox_backend.h"
#include "core/data_layout.h"
#include "store/event_log.h"
#include "store/records.h"
#include "store/task_queue.h"

namespace corral::scheduler {

struct ReconcileReport {
  int runs_failed = 0;
  int sandboxes_removed = 0;
  int tasks_repaired = 0;     // left running with no run
  int locks_removed = 0;      // run locks of runs that never started; stale reference locks in mirrors
  int leftovers_removed = 0;  // worktrees and run directories of runs the store never recorded
};

// What becomes of the task of an abandoned run (its files are already
// cleaned up and the run is marked failed): by default it fails too; the
// daemon requeues it within its retry budget.
using AbandonedRunHandler = std::function<Status(const store::RunRecord& run, const std::string& reason)>;

Result<ReconcileReport> reconcile(const DataLayout& layout, store::Records& records, store::TaskQueue& queue,
                                  store::EventLog& events, const std::vector<containers::SandboxBackend*>& backends,
                                  const AbandonedRunHandler& on_abandoned = nullptr);

}  // namespace corral::scheduler
