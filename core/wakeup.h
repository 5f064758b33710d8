// A wake-up call between threads: one side says something changed, the other
// waits until it does (or a time has passed). Calls are never lost: a notify
// before the wait makes the wait return at once. Thread-safe.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>

#include "core/thread_annotations.h"

namespace corral {

class Wakeup {
 public:
  // Something changed: the waiter (now or next) returns.
  void notify() {
    {
      MutexLock lock(mutex_);
      pending_ = true;
    }
    changed_.notify_all();
  }

  // Waits until notified or `timeout` passed. True if notified (and clears it).
  bool wait_for(std::chrono::milliseconds timeout) {
    MutexLock lock(mutex_);
    bool notified = lock.wait_for(changed_, timeout, [this]() CORRAL_REQUIRES(mutex_) { return pending_; });
    pending_ = false;
    return notified;
  }

 private:
  Mutex mutex_;
  std::condition_variable changed_;
  bool pending_ CORRAL_GUARDED_BY(mutex_) = false;
};

}  // namespace corral
