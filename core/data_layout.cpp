#include "core/data_layout.h"

#include <filesystem>

#include "core/data_dir.h"
#include "core/file_lock.h"

namespace corral {

bool DataLayout::create_directories() const {
  namespace fs = std::filesystem;
  for (const std::string& dir :
       {root_ + "/mirrors", worktrees(), layers(), checkouts(), runs(), sandboxes(), runtime_root()}) {
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) return false;
    fs::permissions(dir, fs::perms::owner_all, ec);
  }
  return true;
}

DataLayout layout_for(const std::string& data_dir_flag) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::path wanted = fs::absolute(resolve_data_dir(data_dir_flag), ec);
  fs::path resolved = fs::weakly_canonical(wanted, ec);
  return DataLayout(ec ? wanted.string() : resolved.string());
}

bool is_run_live(const DataLayout& layout, const std::string& run_id) {
  namespace fs = std::filesystem;
  std::string path = layout.run_lock(run_id);
  if (!fs::exists(path)) return false;
  auto lock = FileLock::try_acquire(path);
  return lock.is_ok() && !lock->held();
}

}  // namespace corral
