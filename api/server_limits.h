// What the API server holds for its clients, each bounded so that no client
// (or crowd of them) can make the daemon stall or grow without limit: event
// stream slots, the bytes of answers not yet read, and the connections
// waiting for a request, which are shed when descriptors run out.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>

#include "core/thread_annotations.h"

namespace corral::api {

// Open event streams, in all and per caller: each holds a connection and
// reads the store every 200 ms, so they are capped.
class StreamSlots {
 public:
  static constexpr int kTotal = 256;
  static constexpr int kPerCaller = 16;

  // A slot for `caller`, given back when the returned handle goes; null
  // when a cap is reached.
  std::shared_ptr<void> take(const std::string& caller) CORRAL_EXCLUDES(mutex_) {
    MutexLock lock(mutex_);
    if (total_ >= kTotal || by_caller_[caller] >= kPerCaller) return nullptr;
    ++total_;
    ++by_caller_[caller];
    return std::shared_ptr<void>(this, [this, caller](void*) { give_back(caller); });  // owns nothing
  }

 private:
  void give_back(const std::string& caller) CORRAL_EXCLUDES(mutex_) {
    MutexLock lock(mutex_);
    --total_;
    if (--by_caller_[caller] == 0) by_caller_.erase(caller);
  }

  Mutex mutex_;
  int total_ CORRAL_GUARDED_BY(mutex_) = 0;
  std::map<std::string, int> by_caller_ CORRAL_GUARDED_BY(mutex_);
};

// Answers held for clients that have not taken them yet, in bytes (a client
// that does not read keeps its answer in the daemon until the write deadline
// cuts it off). Past the budget, answers are refused with 503 instead of
// held, so clients that never read cannot grow the daemon without bound.
// I/O thread only.
class OutputBudget {
 public:
  static constexpr size_t kBytes = size_t{128} << 20;

  // Whether `bytes` more may be held. An answer alone always may (the
  // largest one, a full page of tasks, is well under the budget).
  bool fits(size_t bytes) const { return held_ == 0 || held_ + bytes <= kBytes; }
  void hold(size_t bytes) { held_ += bytes; }

  bool exhausted() const { return held_ >= kBytes; }

  // Once nothing is held after large answers went, the freed heap goes back
  // to the system: malloc keeps freed pages otherwise, and a burst of slow
  // clients would leave the daemon that much larger for good.
  void give_back(size_t bytes);

 private:
  static constexpr size_t kTrimAfter = size_t{16} << 20;
  size_t held_ = 0;
  size_t released_ = 0;
};

// Connections waiting for a request (a first one, or the next on a kept
// connection), oldest first: when descriptors run out, the oldest half is
// closed so that new clients get in, rather than everyone waiting on idle
// ones. I/O thread only.
class IdleConnections {
 public:
  using Id = uint64_t;
  Id add(std::function<void()> close) {
    waiting_.emplace(next_, std::move(close));
    return next_++;
  }
  void remove(Id id) { waiting_.erase(id); }
  // Closes the oldest half (at least one, if any wait); how many it closed.
  int shed();

 private:
  Id next_ = 1;
  std::map<Id, std::function<void()>> waiting_;  // ids grow: oldest first
};

}  // namespace corral::api
