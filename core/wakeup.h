// A wake-up call between threads: one side says something changed, the other
// waits until it does (or a time has passed). Calls are never lost: a notify
// before the wait makes the wait return at once. Thread-safe.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>

namespace corral {

class Wakeup {
 public:
  // Something changed: the waiter (now or next) returns.
  void notify() {
    {
      std::lock_guard lock(mutex_);
      pending_ = true;
    }
    changed_.notify_all();
  }

  // Waits until notified or `timeout` passed. True if notified (and clears it).
  bool wait_for(std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex_);
    bool notified = changed_.wait_for(lock, timeout, [this] { return pending_; });
    pending_ = false;
    return notified;
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  bool pending_ = false;  // guarded by mutex_
};

}  // namespace corral
