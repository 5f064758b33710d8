#include "core/file_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

namespace corral {
namespace {

Result<FileLock> lock_file(const std::string& path, int operation, FileLock (*make)(int)) {
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return Status::from_errno(errno, "opening lock file " + path);
  while (::flock(fd, operation) != 0) {
    int err = errno;
    if (err == EINTR) continue;
    ::close(fd);
    if (err == EWOULDBLOCK) return make(-1);
    return Status::from_errno(err, "locking " + path);
  }
  return make(fd);
}

}  // namespace

Result<FileLock> FileLock::acquire(const std::string& path) {
  return lock_file(path, LOCK_EX, [](int fd) { return FileLock(fd); });
}

Result<FileLock> FileLock::try_acquire(const std::string& path) {
  return lock_file(path, LOCK_EX | LOCK_NB, [](int fd) { return FileLock(fd); });
}

Result<FileLock> FileLock::acquire_shared(const std::string& path) {
  return lock_file(path, LOCK_SH, [](int fd) { return FileLock(fd); });
}

bool FileLock::is_at(const std::string& path) const {
  struct stat held {
  }, named{};
  if (fd_ < 0 || ::fstat(fd_, &held) != 0 || ::stat(path.c_str(), &named) != 0) return false;
  return held.st_dev == named.st_dev && held.st_ino == named.st_ino;
}

FileLock& FileLock::operator=(FileLock&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = other.fd_;
    other.fd_ = -1;
  }
  return *this;
}

FileLock::~FileLock() {
  if (fd_ >= 0) ::close(fd_);  // closing the last fd releases the flock
}

}  // namespace corral
