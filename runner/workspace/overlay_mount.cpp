#include "runner/workspace/overlay_mount.h"

#include <sys/mount.h>
#include <unistd.h>

#include <filesystem>
#include <map>
#include <mutex>

namespace corral::runner {

Status mount_overlay(const std::string& lower, const std::string& upper, const std::string& work,
                     const std::string& target) {
  for (const std::string* path : {&lower, &upper, &work}) {
    // overlayfs reads these as separators: such a path cannot be named.
    if (path->find_first_of(",:\\") != std::string::npos) {
      return Status::invalid_argument("overlayfs cannot name " + *path + " (it holds ',', ':' or '\\')");
    }
  }
  // volatile: the upper layer is never synced (nor, on unmount, the whole
  // filesystem under it); a run cut short by a crash is thrown away anyway.
  std::string options = "lowerdir=" + lower + ",upperdir=" + upper + ",workdir=" + work +
                        ",redirect_dir=on,metacopy=off,index=off,xino=off,volatile";
  if (::mount("overlay", target.c_str(), "overlay", MS_NOSUID | MS_NODEV, options.c_str()) != 0) {
    return Status::from_errno(errno, "mounting an overlay at " + target);
  }
  return Status::ok();
}

Status unmount(const std::string& path) {
  if (::umount2(path.c_str(), MNT_DETACH | UMOUNT_NOFOLLOW) == 0 || errno == EINVAL || errno == ENOENT) {
    return Status::ok();
  }
  return Status::from_errno(errno, "unmounting " + path);
}

namespace {

std::string probe(const std::string& directory) {
  namespace fs = std::filesystem;
  fs::path root = fs::path(directory) / (".overlay-probe-" + std::to_string(::getpid()));
  std::error_code ec;
  for (const char* part : {"lower", "upper", "work", "merged"}) fs::create_directories(root / part, ec);
  if (ec) return "cannot create " + root.string() + ": " + ec.message();
  Status mounted = mount_overlay(root / "lower", root / "upper", root / "work", root / "merged");
  (void)unmount(root / "merged");  // nothing to undo when the mount failed
  fs::remove_all(root, ec);
  return mounted.is_ok() ? "" : mounted.to_string();
}

}  // namespace

std::string overlay_unavailable_under(const std::string& directory) {
  static std::mutex mutex;
  static std::map<std::string, std::string> answers;
  std::lock_guard lock(mutex);
  auto found = answers.find(directory);
  if (found == answers.end()) found = answers.emplace(directory, probe(directory)).first;
  return found->second;
}

}  // namespace corral::runner
