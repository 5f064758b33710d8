#include "daemon/daemon.h"

#include <thread>

#include <spdlog/spdlog.h>

namespace corral::daemon {
namespace {

// The commit step's safety net: it looks for work at least this often even
// when no task change woke it.
constexpr std::chrono::milliseconds kCommitBackstop{5000};
// After a failed unit (an upstream that does not answer, say), the commit step
// waits this long before the next try, whatever wakes it.
constexpr std::chrono::milliseconds kCommitRetryDelay{200};

}  // namespace

Daemon::Daemon(store::Store& store, scheduler::Scheduler& scheduler, merge::CommitStep& commit_step,
               const alerts::RetryPolicy& alert_retries, metrics::EventMetrics* metrics,
               const merge::QueueBackoff& queue_backoff)
    : store_(store),
      scheduler_(scheduler),
      commit_step_(commit_step),
      queues_(
          commit_step.merger(), commit_step.board(), [this] { commit_wakeup_.notify(); }, queue_backoff),
      courier_(store, alert_retries),
      watcher_(
          store, [this] { courier_.wake(); },
          metrics ? std::function<void(const store::StoredEvent&)>(
                        [metrics](const store::StoredEvent& stored) { metrics->observe(stored); })
                  : nullptr) {
  store.set_task_listener([this] { wake(); });
}

// The API's workers may still be finishing a request that changes a task.
Daemon::~Daemon() { store_.set_task_listener(nullptr); }

void Daemon::wake() {
  scheduler_.wake();
  queues_.changed();  // before the wake-up, so the pass it causes sees it
  commit_wakeup_.notify();
  watcher_.wake();
  courier_.wake();
}

// Proposals on this thread; each merge queue with work on its own
// (merge::MergeQueues), started here and reaped here when it ends.
void Daemon::commit_loop(const std::atomic<bool>& stop) {
  while (!stop) {
    auto proposed = commit_step_.propose_all();
    if (!proposed.is_ok()) spdlog::error("commit step: {}", proposed.status().to_string());
    auto next_due = queues_.dispatch();
    if (!next_due.is_ok()) spdlog::error("merge queues: {}", next_due.status().to_string());
    if (!proposed.is_ok() || !next_due.is_ok()) {
      store_.clock().sleep(kCommitRetryDelay);
      continue;
    }
    auto wait =
        next_due->has_value() ? std::min(kCommitBackstop, **next_due + std::chrono::milliseconds(1)) : kCommitBackstop;
    (void)store_.clock().wait(commit_wakeup_, wait);
  }
  queues_.stop();
}

void Daemon::run(const std::atomic<bool>& stop) {
  std::thread committer([this, &stop] { commit_loop(stop); });
  std::thread watcher([this, &stop] { watcher_.run(stop); });
  std::thread courier([this, &stop] { courier_.run(stop); });
  scheduler_.run(stop);
  committer.join();
  watcher.join();
  courier.join();
}

}  // namespace corral::daemon
