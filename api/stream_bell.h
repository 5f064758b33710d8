// What tells the event streams that something was stored, so that a stream
// sends an event as soon as it is committed instead of at its next look.
//
// ring() is called by the store (on any thread, under the store's lock) for
// every appended event; it counts the ring and, at most once until the
// I/O thread has run it, posts the wake-up of every stream that waits. A
// stream notes generation() before it reads the log and, when it has sent
// what it read, naps only if nothing rang since (otherwise it reads again at
// once); napping, it registers to be woken. Streams still look by themselves
// now and then (a fallback, and how a revoked token is noticed).
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <unordered_map>

namespace corral::api {

// A stream that can be woken from its nap (I/O thread only).
class Napper {
 public:
  virtual ~Napper() = default;
  virtual void wake() = 0;
};

class StreamBell {
 public:
  // `post` runs a function on the I/O thread (asio::post); it must be
  // callable from any thread.
  explicit StreamBell(std::function<void(std::function<void()>)> post) : post_(std::move(post)) {}

  // Any thread.
  void ring();
  uint64_t generation() const { return generation_.load(); }

  // I/O thread: `napper` is woken at the next ring, once (again only if it
  // registers again). Registering twice before a ring keeps one entry.
  void wake_at_next_ring(const std::shared_ptr<Napper>& napper);
  size_t registered() const { return napping_.size(); }  // I/O thread

 private:
  void wake_all();  // I/O thread

  std::function<void(std::function<void()>)> post_;
  std::atomic<uint64_t> generation_{0};
  std::atomic<bool> posted_{false};
  // I/O thread only. Entries of streams gone since the last ring are pruned
  // when there are more than kPruneAt.
  std::unordered_map<const Napper*, std::weak_ptr<Napper>> napping_;
  static constexpr size_t kPruneAt = 1024;
};

}  // namespace corral::api
