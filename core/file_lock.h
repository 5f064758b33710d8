// An advisory, exclusive flock(2) on a file, held for the object's lifetime.
// Used to serialise writers of one mirror and to mark a run as live: the
// kernel drops the lock when the holding process dies, even by SIGKILL.
#pragma once

#include <string>

#include "core/status.h"

namespace corral {

class FileLock {
 public:
  // Blocks until the lock is held. Creates the file if missing.
  static Result<FileLock> acquire(const std::string& path);
  // Takes the lock only if it is free now; an empty optional-like state
  // (held() == false) when another process holds it.
  static Result<FileLock> try_acquire(const std::string& path);

  FileLock() = default;  // holds nothing
  FileLock(FileLock&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
  FileLock& operator=(FileLock&& other) noexcept;
  ~FileLock();

  bool held() const { return fd_ >= 0; }

 private:
  explicit FileLock(int fd) : fd_(fd) {}
  int fd_ = -1;
};

}  // namespace corral
