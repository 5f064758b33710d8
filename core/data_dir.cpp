#include "core/data_dir.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <filesystem>

namespace corral {

std::string resolve_data_dir(const std::string& flag_value) {
  if (!flag_value.empty()) return flag_value;
  if (const char* env = std::getenv("CORRAL_DATA_DIR"); env && *env) return env;
  const char* home = std::getenv("HOME");
  return std::string(home && *home ? home : "/root") + "/.local/share/corral";
}

Result<std::string> prepare_data_dir(const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::path absolute = fs::absolute(path, ec);
  if (ec) return Status::invalid_argument("data directory " + path + ": " + ec.message());
  if (fs::exists(absolute, ec) && !fs::is_directory(absolute, ec)) {
    return Status::invalid_argument("data directory " + absolute.string() + " is not a directory");
  }
  fs::create_directories(absolute, ec);
  if (ec) return Status::from_errno(ec.value(), "data directory " + absolute.string() + " cannot be created");
  if (!fs::is_directory(absolute)) {
    return Status::invalid_argument("data directory " + absolute.string() + " is not a directory");
  }
  ::chmod(absolute.c_str(), 0700);  // best effort: the directory may be shared on purpose
  std::string probe = (absolute / ".write-probe").string();
  int fd = ::open(probe.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) {
    return Status::from_errno(errno, "data directory " + absolute.string() + " is not writable");
  }
  ::close(fd);
  ::unlink(probe.c_str());
  return absolute.string();
}

}  // namespace corral
