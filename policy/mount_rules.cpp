#include "policy/mount_rules.h"

#include <array>
#include <string_view>

namespace corral::policy {
namespace {

// True if `path` equals `root` or lies below it ("/rootx" is not below "/root").
bool is_within(std::string_view path, std::string_view root) {
  if (root == "/") return true;
  if (path.substr(0, root.size()) != root) return false;
  return path.size() == root.size() || path[root.size()] == '/';
}

bool is_normalised_absolute(std::string_view path) {
  if (path.empty() || path[0] != '/') return false;
  if (path.size() > 1 && path.back() == '/') return false;
  size_t start = 1;
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    std::string_view part = path.substr(start, end - start);
    if (path.size() > 1 && (part.empty() || part == "." || part == "..")) return false;
    start = end + 1;
  }
  return path.find('\0') == std::string_view::npos;
}

}  // namespace

std::vector<std::string> forbidden_host_paths(const std::string& data_dir) {
  return {"/root",
          "/home",
          "/etc",
          "/proc",
          "/sys",
          "/dev",
          "/boot",
          "/run",
          "/var/run",
          "/var/lib/docker",
          "/var/lib/containerd",
          "/var/lib/runc",
          "/var/log",
          data_dir};
}

Status check_host_mount(const std::string& canonical_host_path, const std::vector<std::string>& forbidden) {
  if (!is_normalised_absolute(canonical_host_path)) {
    return Status::invalid_argument("mount source " + canonical_host_path + " is not an absolute, normalised path");
  }
  for (const std::string& root : forbidden) {
    if (is_within(canonical_host_path, root)) {
      return Status::permission_denied("mount source " + canonical_host_path + " is inside " + root +
                                       ", which never enters a sandbox");
    }
    if (is_within(root, canonical_host_path)) {
      return Status::permission_denied("mount source " + canonical_host_path + " contains " + root +
                                       ", which never enters a sandbox");
    }
  }
  return Status::ok();
}

Status check_sandbox_target(const std::string& sandbox_path) {
  if (!is_normalised_absolute(sandbox_path)) {
    return Status::invalid_argument("mount target " + sandbox_path + " is not an absolute, normalised path");
  }
  static constexpr std::array<std::string_view, 15> kReserved = {
      "/workspace", "/proc", "/dev", "/sys", "/etc",   "/tmp",  "/home",   "/.corral",
      "/run",       "/usr",  "/bin", "/lib", "/lib64", "/sbin", "/var/tmp"};
  if (sandbox_path == "/") return Status::invalid_argument("mount target / would replace the sandbox's root");
  for (std::string_view reserved : kReserved) {
    if (is_within(sandbox_path, reserved) || is_within(reserved, sandbox_path)) {
      return Status::invalid_argument("mount target " + sandbox_path + " overlaps " + std::string(reserved) +
                                      ", which the sandbox provides itself");
    }
  }
  return Status::ok();
}

}  // namespace corral::policy
