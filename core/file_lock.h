// An advisory flock(2) on a file, held for the object's lifetime: exclusive
// to serialise writers of one mirror and to mark a run as live, shared for
// the runs using one cached checkout. The kernel drops the lock when the
// holding process dies, even by SIGKILL.
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
  // Blocks until a shared lock is held (any number of holders, no exclusive one).
  static Result<FileLock> acquire_shared(const std::string& path);

  // True while the locked file is still the one at `path`: false once
  // whoever held it exclusively removed it (and maybe another file took the
  // name), so a lock won on a removed file is not taken for the new one's.
  bool is_at(const std::string& path) const;

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
