// Every merge queue of a daemon, each advanced on its own thread, so one
// repository's failing upstream holds only its own queue. A queue whose run
// failed (its upstream does not answer, its sandboxes cannot be made) waits
// before its next try, exponentially longer with jitter, and raises an alert
// (alert.raised, kind merge_queue_stalled) once it has failed
// `alert_after` times in a row; its tasks stay queued meanwhile.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <thread>

#include "merge/merge_queue.h"

namespace corral::merge {

struct QueueBackoff {
  std::chrono::milliseconds first{1000};
  std::chrono::milliseconds most{std::chrono::minutes(5)};
  int alert_after = 5;
};

// The wait before a queue's next try after `failures` failures in a row,
// `jitter` in [0, 1) drawn by the caller: from half the exponential delay to
// all of it, never above `most`.
std::chrono::milliseconds backoff_delay(const QueueBackoff& backoff, int failures, double jitter);

class MergeQueues {
 public:
  // Does not own `merger` or `board`. `ended` is called on a queue's thread
  // as it ends (it must only wake the dispatcher).
  MergeQueues(Merger& merger, QueueBoard& board, std::function<void()> ended, QueueBackoff backoff = {});
  ~MergeQueues();  // stop()
  MergeQueues(const MergeQueues&) = delete;
  MergeQueues& operator=(const MergeQueues&) = delete;

  // Reaps the queues whose thread ended (a failure starts its backoff), then
  // starts a thread for each queue with approved work that has none, is not
  // backing off, and did not end idle since the last change. How long until
  // the next backoff ends, if any does.
  Result<std::optional<std::chrono::milliseconds>> dispatch();
  // A task or a kill switch changed: a queue that found nothing ready may
  // have something now. Thread-safe (the store's task listener calls it).
  void changed() { ++changes_; }
  // How many queue runs were started (for tests).
  int runs_started() const { return runs_started_; }
  // Stops every queue (a landing under way finishes) and waits for them.
  void stop();

 private:
  struct Running {
    uint64_t changes_at_start = 0;  // changes_ when it started
    std::unique_ptr<MergeQueue> queue;
    std::atomic<bool> done{false};
    Result<int> outcome = 0;  // written before done
    std::thread thread;
  };
  struct Backoff {
    int failures = 0;
    MonotonicPoint due{};
    bool alerted = false;
  };
  void reap(const QueueKey& key, Running& running);
  Status raise_stalled(const QueueKey& key, const Backoff& backoff, const Status& why);

  Merger& merger_;
  QueueBoard& board_;
  std::function<void()> ended_;
  QueueBackoff policy_;
  std::atomic<bool> stopping_{false};
  std::atomic<uint64_t> changes_{0};
  // Only the dispatching thread touches these.
  std::map<QueueKey, std::unique_ptr<Running>> running_;
  std::map<QueueKey, Backoff> backoff_;
  // A queue whose run ended without an error, and the changes_ count it
  // started at: its tasks wait for a change (an approval, a parent merged, a
  // switch off), so it is not started again before one; nothing would move.
  std::map<QueueKey, uint64_t> idle_;
  int runs_started_ = 0;
};

}  // namespace corral::merge
