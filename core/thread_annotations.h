// Which lock guards what, stated in the code and checked by Clang's
// thread-safety analysis (scripts/check-threads.sh compiles every file that
// uses these with -Wthread-safety -Werror; g++ sees plain code). Use
// corral::Mutex and corral::MutexLock for state shared between threads:
//
//   Mutex mutex_;
//   std::map<std::string, Run> running_ CORRAL_GUARDED_BY(mutex_);
//   void reap() CORRAL_EXCLUDES(mutex_);         // takes it itself
//   bool at_least(double) const CORRAL_REQUIRES(mutex_);  // caller holds it
//
// libstdc++'s std::mutex carries no annotations, hence the thin wrapper.
#pragma once

#include <condition_variable>
#include <mutex>

#if defined(__clang__)
#define CORRAL_THREAD_ANNOTATION(x) __attribute__((x))
#else
#define CORRAL_THREAD_ANNOTATION(x)
#endif

#define CORRAL_CAPABILITY(name) CORRAL_THREAD_ANNOTATION(capability(name))
#define CORRAL_SCOPED_CAPABILITY CORRAL_THREAD_ANNOTATION(scoped_lockable)
#define CORRAL_GUARDED_BY(mutex) CORRAL_THREAD_ANNOTATION(guarded_by(mutex))
#define CORRAL_PT_GUARDED_BY(mutex) CORRAL_THREAD_ANNOTATION(pt_guarded_by(mutex))
#define CORRAL_REQUIRES(...) CORRAL_THREAD_ANNOTATION(requires_capability(__VA_ARGS__))
#define CORRAL_EXCLUDES(...) CORRAL_THREAD_ANNOTATION(locks_excluded(__VA_ARGS__))
#define CORRAL_ACQUIRE(...) CORRAL_THREAD_ANNOTATION(acquire_capability(__VA_ARGS__))
#define CORRAL_RELEASE(...) CORRAL_THREAD_ANNOTATION(release_capability(__VA_ARGS__))

namespace corral {

class CORRAL_CAPABILITY("mutex") Mutex {
 public:
  void lock() CORRAL_ACQUIRE() { mutex_.lock(); }
  void unlock() CORRAL_RELEASE() { mutex_.unlock(); }
  // For a condition variable's wait, which unlocks and relocks it.
  std::mutex& native() { return mutex_; }

 private:
  std::mutex mutex_;
};

// Holds a Mutex for its scope.
class CORRAL_SCOPED_CAPABILITY MutexLock {
 public:
  explicit MutexLock(Mutex& mutex) CORRAL_ACQUIRE(mutex) : mutex_(mutex) { mutex_.lock(); }
  ~MutexLock() CORRAL_RELEASE() { mutex_.unlock(); }
  MutexLock(const MutexLock&) = delete;
  MutexLock& operator=(const MutexLock&) = delete;

  // Waits on `condition` (the lock is released while waiting, held again after).
  template <class Predicate>
  void wait(std::condition_variable& condition, Predicate ready) {
    std::unique_lock native(mutex_.native(), std::adopt_lock);
    condition.wait(native, ready);
    native.release();  // still held; this scope's destructor unlocks it
  }
  template <class Rep, class Period, class Predicate>
  bool wait_for(std::condition_variable& condition, std::chrono::duration<Rep, Period> timeout, Predicate ready) {
    std::unique_lock native(mutex_.native(), std::adopt_lock);
    bool result = condition.wait_for(native, timeout, ready);
    native.release();  // still held; this scope's destructor unlocks it
    return result;
  }

 private:
  Mutex& mutex_;
};

}  // namespace corral
