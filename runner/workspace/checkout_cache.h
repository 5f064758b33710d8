// Read-only checkouts of (repository, base commit), shared by every run on
// that base as the lower layer of its overlay workspace: the checkout is paid
// once per base, not once per run.
//
//   <dir>/<repo>/<commit>/tree/     the files, owned by the sandbox user (so
//                                   the agent may change them: in its upper
//                                   layer); never mounted anywhere writable
//   <dir>/<repo>/<commit>/index     corral's index of it, with stat data (a
//                                   workspace's .git/index starts as a copy)
//   <dir>/<repo>/<commit>/used      its mtime: when a run last took it
//   <dir>/<repo>/<commit>.lock      shared by the runs using it, exclusive to
//                                   evict it
//   <dir>/<repo>/<commit>.building  a build under way (or interrupted);
//                   .building.lock  held by its builder
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "core/clock.h"
#include "core/file_lock.h"
#include "core/status.h"

namespace corral::runner {

struct CheckoutCacheLimits {
  int64_t max_bytes = int64_t{8} << 30;  // all cached trees together, on disk
  std::chrono::hours max_age{48};        // unused for longer than this: removed
};

// A cached checkout held by one run: it is not evicted while the lease lives.
struct CheckoutLease {
  std::string tree;    // the files
  std::string index;   // corral's index of them
  bool built = false;  // this lease had to check it out (a miss)
  FileLock lock;       // shared
};

class CheckoutCache {
 public:
  CheckoutCache(std::string dir, CheckoutCacheLimits limits) : dir_(std::move(dir)), limits_(limits) {}

  // The checkout of `commit` (in `mirror_path`), built if missing. Builders
  // of one commit wait for each other; users of a built one never wait.
  Result<CheckoutLease> lease(const std::string& mirror_path, const std::string& repo_id,
                              const std::string& commit) const;

  // Removes the checkouts no run holds that were unused for longer than
  // max_age, then the least recently used until the rest fit max_bytes (one
  // used within the last minute stays: its run may be about to take it), and
  // what an interrupted build left.
  Status evict(TimePoint now) const;

 private:
  Status build(const std::string& mirror_path, const std::string& entry, const std::string& commit) const;

  std::string dir_;
  CheckoutCacheLimits limits_;
};

}  // namespace corral::runner
