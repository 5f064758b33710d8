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
               const alerts::RetryPolicy& alert_retries, metrics::EventMetrics* metrics)
    : store_(store),
      scheduler_(scheduler),
      commit_step_(commit_step),
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
  commit_wakeup_.notify();
  watcher_.wake();
  courier_.wake();
}

void Daemon::commit_loop(const std::atomic<bool>& stop) {
  while (!stop) {
    auto worked = commit_step_.work_once();
    if (!worked.is_ok()) {
      spdlog::error("commit step: {}", worked.status().to_string());
      store_.clock().sleep(kCommitRetryDelay);
      continue;
    }
    if (!*worked) (void)store_.clock().wait(commit_wakeup_, kCommitBackstop);
  }
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
