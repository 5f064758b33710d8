#include "orchestrator/data_layout.h"

#include <filesystem>

#include "core/file_lock.h"

namespace corral::orchestrator {

bool DataLayout::create_directories() const {
  namespace fs = std::filesystem;
  for (const std::string& dir : {root_ + "/mirrors", worktrees(), runs(), sandboxes(), root_ + "/runtime"}) {
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) return false;
    fs::permissions(dir, fs::perms::owner_all, ec);
  }
  return true;
}

bool is_run_live(const DataLayout& layout, const std::string& run_id) {
  namespace fs = std::filesystem;
  std::string path = layout.run_lock(run_id);
  if (!fs::exists(path)) return false;
  auto lock = FileLock::try_acquire(path);
  return lock.is_ok() && !lock->held();
}

}  // namespace corral::orchestrator
