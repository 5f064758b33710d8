// A clock tests move by hand: wall and monotonic time stand still until
// advance() moves both. A wait returns when its wakeup is notified, or once
// the clock has been advanced past its deadline (by another thread), so a
// timer's effect is tested without waiting for it. Thread-safe.
#pragma once

#include <mutex>

#include "core/clock.h"

namespace corral::testing {

class FakeClock final : public Clock {
 public:
  TimePoint now() const override {
    std::lock_guard lock(mutex_);
    return wall_;
  }
  MonotonicPoint monotonic() const override {
    std::lock_guard lock(mutex_);
    return monotonic_;
  }
  bool wait(Wakeup& wakeup, std::chrono::milliseconds timeout) const override {
    MonotonicPoint deadline = monotonic() + timeout;
    for (;;) {
      if (wakeup.wait_for(std::chrono::milliseconds(1))) return true;  // real time only to look again
      if (monotonic() >= deadline) return false;
    }
  }

  void advance(std::chrono::milliseconds by) {
    std::lock_guard lock(mutex_);
    wall_ += by;
    monotonic_ += by;
  }

 private:
  mutable std::mutex mutex_;
  TimePoint wall_{std::chrono::seconds(1'800'000'000)};  // 2027-01-15
  MonotonicPoint monotonic_{std::chrono::hours(1)};
};

}  // namespace corral::testing
