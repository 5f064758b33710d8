// Time, passed in rather than read: code that needs "now" is handed a Clock,
// so tests can control it (the Envoy TimeSource pattern).
#pragma once

#include <chrono>
#include <string>

namespace corral {

using TimePoint = std::chrono::system_clock::time_point;

class Clock {
 public:
  virtual ~Clock() = default;
  virtual TimePoint now() const = 0;
};

// The real wall clock. Thread-safe.
class SystemClock final : public Clock {
 public:
  TimePoint now() const override { return std::chrono::system_clock::now(); }
};

// RFC 3339 in UTC with milliseconds, e.g. "2026-11-24T04:31:14.123Z".
std::string format_rfc3339(TimePoint time);

}  // namespace corral
