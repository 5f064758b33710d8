#include "runner/workspace/upper_layer.h"

#include <sys/stat.h>
#include <sys/xattr.h>

#include <filesystem>

namespace corral::runner {
namespace {

namespace fs = std::filesystem;
using Kind = git::PathChange::Kind;

// Whether `path` has attribute `name` (with `value`, when one is given).
bool has_attribute(const fs::path& path, const char* name, std::string_view value = {}) {
  if (value.empty()) return ::lgetxattr(path.c_str(), name, nullptr, 0) >= 0;  // a redirect's value is a path
  char buffer[8] = {};
  ssize_t size = ::lgetxattr(path.c_str(), name, buffer, sizeof buffer);
  return size >= 0 && std::string_view(buffer, static_cast<size_t>(size)) == value;
}

std::string joined(const std::string& parent, const std::string& name) {
  return parent.empty() ? name : parent + "/" + name;
}

// Every file under `dir` (the merged view), written.
Status write_all(const fs::path& dir, const std::string& relative, std::vector<git::PathChange>& out) {
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    std::string name = entry.path().filename().string();
    if (name == ".git") continue;
    std::string path = joined(relative, name);
    if (entry.symlink_status(ec).type() == fs::file_type::directory) {
      CORRAL_RETURN_IF_ERROR(write_all(entry.path(), path, out));
    } else {
      out.push_back({Kind::kWritten, path});
    }
  }
  if (ec) return Status::from_errno(ec.value(), "reading " + dir.string());
  return Status::ok();
}

Status read_layer(const fs::path& upper, const fs::path& merged, const std::string& relative,
                  std::vector<git::PathChange>& out) {
  std::error_code ec;
  fs::path dir = upper / relative;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    std::string name = entry.path().filename().string();
    if (name == ".git") continue;
    std::string path = joined(relative, name);
    struct stat info {};
    if (::lstat(entry.path().c_str(), &info) != 0) return Status::from_errno(errno, "reading " + entry.path().string());
    if (S_ISCHR(info.st_mode) && info.st_rdev == 0) {
      out.push_back({Kind::kRemoved, path});
    } else if (!S_ISDIR(info.st_mode)) {
      out.push_back({Kind::kWritten, path});
    } else if (has_attribute(entry.path(), "trusted.overlay.redirect")) {
      out.push_back({Kind::kRemoved, path});
      CORRAL_RETURN_IF_ERROR(write_all(merged / path, path, out));
    } else {
      if (has_attribute(entry.path(), "trusted.overlay.opaque", "y")) out.push_back({Kind::kRemoved, path});
      CORRAL_RETURN_IF_ERROR(read_layer(upper, merged, path, out));
    }
  }
  if (ec) return Status::from_errno(ec.value(), "reading " + dir.string());
  return Status::ok();
}

}  // namespace

Result<std::vector<git::PathChange>> upper_layer_changes(const std::string& upper, const std::string& merged) {
  std::vector<git::PathChange> changes;
  CORRAL_RETURN_IF_ERROR(read_layer(upper, merged, "", changes));
  return changes;
}

}  // namespace corral::runner
