// Time, passed in rather than read: code that needs "now", measures a
// duration or waits is handed a Clock, so tests can control all three
// (tests/support/fake_clock.h).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/wakeup.h"

namespace corral {

using TimePoint = std::chrono::system_clock::time_point;
using MonotonicPoint = std::chrono::steady_clock::time_point;

class Clock {
 public:
  virtual ~Clock() = default;
  // Wall time: what records and events are stamped with.
  virtual TimePoint now() const = 0;
  // For durations and deadlines: never jumps.
  virtual MonotonicPoint monotonic() const = 0;
  // Blocks until `wakeup` is notified or `timeout` has passed on this clock.
  // True if notified (the notification is consumed).
  virtual bool wait(Wakeup& wakeup, std::chrono::milliseconds timeout) const = 0;

  // Waits `duration` on this clock.
  void sleep(std::chrono::milliseconds duration) const {
    Wakeup never;
    (void)wait(never, duration);  // nothing notifies `never`: it always times out
  }
  std::chrono::milliseconds since(MonotonicPoint start) const {
    return std::chrono::duration_cast<std::chrono::milliseconds>(monotonic() - start);
  }
};

// The real clocks. Thread-safe.
class SystemClock final : public Clock {
 public:
  TimePoint now() const override { return std::chrono::system_clock::now(); }
  MonotonicPoint monotonic() const override { return std::chrono::steady_clock::now(); }
  bool wait(Wakeup& wakeup, std::chrono::milliseconds timeout) const override { return wakeup.wait_for(timeout); }
};

// RFC 3339 in UTC with milliseconds, e.g. "2026-11-24T04:31:14.123Z".
std::string format_rfc3339(TimePoint time);
// The reverse, for exactly that form; nullopt for anything else.
std::optional<TimePoint> parse_rfc3339(std::string_view text);
// Milliseconds since the Unix epoch: how times are kept where they are compared.
int64_t epoch_ms(TimePoint time);

}  // namespace corral
