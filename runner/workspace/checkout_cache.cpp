#include "runner/workspace/checkout_cache.h"

#include <fcntl.h>
#include <sys/stat.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <vector>

#include "git/snapshot.h"
#include "git/tree_checkout.h"
#include "runner/workspace/hand_over.h"

namespace corral::runner {
namespace {

namespace fs = std::filesystem;

constexpr const char* kBuilding = ".building";
constexpr std::chrono::minutes kFreshGrace{1};
constexpr int kLeaseAttempts = 3;

// A lock whose file is still the one at `path` (eviction removes lock files).
Result<FileLock> lock_entry(const std::string& path, bool shared) {
  for (;;) {
    auto lock = shared ? FileLock::acquire_shared(path) : FileLock::acquire(path);
    if (!lock.is_ok() || lock->is_at(path)) return lock;
  }
}

Status touch(const std::string& path) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return Status::from_errno(errno, "marking " + path);
  int rc = ::futimens(fd, nullptr);
  int err = errno;
  ::close(fd);
  return rc == 0 ? Status::ok() : Status::from_errno(err, "marking " + path);
}

// Bytes on disk under `root` (blocks, not lengths: many small files).
int64_t disk_usage(const fs::path& root) {
  int64_t bytes = 0;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(root, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    struct stat info {};
    if (::lstat(it->path().c_str(), &info) == 0) bytes += static_cast<int64_t>(info.st_blocks) * 512;
  }
  return bytes;
}

struct Entry {
  fs::path path;  // <dir>/<repo>/<commit>
  TimePoint used;
  int64_t bytes = 0;
};

std::vector<Entry> entries_of(const std::string& dir) {
  std::vector<Entry> entries;
  std::error_code ec;
  for (const auto& repo : fs::directory_iterator(dir, ec)) {
    std::error_code inner;
    for (const auto& entry : fs::directory_iterator(repo.path(), inner)) {
      if (!entry.is_directory(inner) || entry.path().extension() == kBuilding) continue;
      struct stat used {};
      if (::stat((entry.path() / "used").c_str(), &used) != 0) continue;
      std::ifstream size_file(entry.path() / "size");
      Entry found{entry.path(), TimePoint(std::chrono::seconds(used.st_mtim.tv_sec)), 0};
      size_file >> found.bytes;
      entries.push_back(found);
    }
  }
  return entries;
}

// Removes what `lock_path` guards (a checkout, or what a build left) and the
// lock file itself, if nobody holds the lock; false if somebody does.
Result<bool> remove_unheld(const fs::path& what, const std::string& lock_path) {
  CORRAL_ASSIGN_OR_RETURN(FileLock lock, FileLock::try_acquire(lock_path));
  if (!lock.held() || !lock.is_at(lock_path)) return false;
  std::error_code ec;
  fs::remove_all(what, ec);
  if (ec) return Status::from_errno(ec.value(), "removing cached checkout " + what.string());
  fs::remove(lock_path, ec);
  return true;
}

}  // namespace

Result<CheckoutLease> CheckoutCache::lease(const std::string& mirror_path, const std::string& repo_id,
                                           const std::string& commit) const {
  std::string entry = dir_ + "/" + repo_id + "/" + commit;
  std::error_code ec;
  fs::create_directories(dir_ + "/" + repo_id, ec);
  if (ec) return Status::from_errno(ec.value(), "creating " + dir_ + "/" + repo_id);
  bool built = false;
  for (int attempt = 0; attempt < kLeaseAttempts; ++attempt) {
    CORRAL_ASSIGN_OR_RETURN(FileLock shared, lock_entry(entry + ".lock", /*shared=*/true));
    if (fs::exists(entry + "/used", ec)) {
      CORRAL_RETURN_IF_ERROR(touch(entry + "/used"));
      return CheckoutLease{entry + "/tree", entry + "/index", built, std::move(shared)};
    }
    shared = FileLock();
    // Builders wait for each other on a lock of their own, so that a builder
    // never waits for the runs already using a checkout another one built.
    CORRAL_ASSIGN_OR_RETURN(FileLock building, lock_entry(entry + kBuilding + ".lock", /*shared=*/false));
    if (!fs::exists(entry + "/used", ec)) {
      CORRAL_RETURN_IF_ERROR(build(mirror_path, entry, commit));
      built = true;
    }
    // Then round again for the shared lock, which an eviction may have
    // taken in between: then it is built again.
  }
  return Status::io("the cached checkout of " + commit + " was evicted " + std::to_string(kLeaseAttempts) +
                    " times while it was being taken");
}

Status CheckoutCache::build(const std::string& mirror_path, const std::string& entry, const std::string& commit) const {
  std::string building = entry + kBuilding;
  std::error_code ec;
  fs::remove_all(building, ec);  // an interrupted build's
  if (!fs::create_directory(building, ec)) {
    return Status::from_errno(ec ? ec.value() : EEXIST, "creating " + building);
  }
  CORRAL_RETURN_IF_ERROR(git::check_out_commit(mirror_path, commit, building + "/tree", building + "/index"));
  CORRAL_RETURN_IF_ERROR(hand_over(building + "/tree"));
  // After the hand-over, which changed every ctime.
  CORRAL_RETURN_IF_ERROR(git::record_checkout_stat(building + "/index", building + "/tree"));
  {
    std::ofstream size(building + "/size");
    size << disk_usage(building);
    if (!size) return Status::io("writing " + building + "/size");
  }
  CORRAL_RETURN_IF_ERROR(touch(building + "/used"));  // last: it marks the entry complete
  fs::rename(building, entry, ec);
  if (ec) return Status::from_errno(ec.value(), "putting the checkout of " + commit + " in the cache");
  return Status::ok();
}

Status CheckoutCache::evict(TimePoint now) const {
  std::vector<Entry> entries = entries_of(dir_);
  std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) { return a.used < b.used; });
  int64_t total = 0;
  for (const Entry& entry : entries) total += entry.bytes;
  for (const Entry& entry : entries) {
    bool too_old = now - entry.used > limits_.max_age;
    bool over_size = total > limits_.max_bytes && now - entry.used > kFreshGrace;
    if (!too_old && !over_size) continue;
    CORRAL_ASSIGN_OR_RETURN(bool removed, remove_unheld(entry.path, entry.path.string() + ".lock"));
    if (removed) total -= entry.bytes;
  }
  // What interrupted builds left, and the build locks of checkouts that are gone.
  std::error_code ec;
  for (const auto& repo : fs::directory_iterator(dir_, ec)) {
    std::error_code inner;
    for (const auto& file : fs::directory_iterator(repo.path(), inner)) {
      std::string name = file.path().filename().string();
      if (!name.ends_with(std::string(kBuilding) + ".lock")) continue;
      fs::path checkout = repo.path() / name.substr(0, name.size() - std::strlen(kBuilding) - 5);
      if (fs::exists(checkout / "used", inner)) continue;
      fs::path leftover = checkout.string() + kBuilding;
      CORRAL_RETURN_IF_ERROR(remove_unheld(leftover, file.path().string()).status());
    }
  }
  return Status::ok();
}

}  // namespace corral::runner
