#include "containers/oci_bundle.h"

#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "containers/oci_config.h"
#include "core/ids.h"

namespace corral::containers {
namespace {

namespace fs = std::filesystem;

Status write_file(const fs::path& path, const std::string& content) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << content;
  out.close();
  if (!out) return Status::io("writing " + path.string());
  return Status::ok();
}

std::string passwd() {
  return "root:x:0:0:root:/root:/usr/sbin/nologin\n"
         "agent:x:" +
         std::to_string(kSandboxUid) + ":" + std::to_string(kSandboxGid) + ":corral agent:" + kSandboxHome +
         ":/bin/sh\n"
         "nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n";
}

std::string group() { return "root:x:0:\nagent:x:" + std::to_string(kSandboxGid) + ":\nnogroup:x:65534:\n"; }

Status write_etc(const fs::path& etc) {
  std::error_code ec;
  fs::create_directories(etc, ec);
  if (ec) return Status::from_errno(ec.value(), "creating " + etc.string());
  CORRAL_RETURN_IF_ERROR(write_file(etc / "passwd", passwd()));
  CORRAL_RETURN_IF_ERROR(write_file(etc / "group", group()));
  CORRAL_RETURN_IF_ERROR(write_file(etc / "hosts", "127.0.0.1 localhost sandbox\n::1 localhost\n"));
  CORRAL_RETURN_IF_ERROR(write_file(etc / "hostname", "sandbox\n"));
  CORRAL_RETURN_IF_ERROR(write_file(etc / "nsswitch.conf", "passwd: files\ngroup: files\nhosts: files dns\n"));
  return write_file(etc / "resolv.conf", "");
}

constexpr const char* kSharedRootfs = ".rootfs";
constexpr const char* kSystemDirs[] = {"bin", "lib", "lib64", "sbin", "lib32", "libx32"};

// On a merged-/usr host, /bin and friends are symlinks into /usr: the skeleton
// gets the same symlinks. Otherwise they are mounted read-only (system_dir_binds).
Status link_system_dirs(const fs::path& rootfs) {
  for (const char* name : kSystemDirs) {
    fs::path host = fs::path("/") / name;
    std::error_code ec;
    if (!fs::is_symlink(fs::symlink_status(host, ec))) continue;
    fs::create_symlink(fs::read_symlink(host), rootfs / name, ec);
    if (ec) return Status::from_errno(ec.value(), "linking " + (rootfs / name).string());
  }
  return Status::ok();
}

std::vector<std::string> system_dir_binds() {
  std::vector<std::string> binds;
  for (const char* name : kSystemDirs) {
    fs::path host = fs::path("/") / name;
    std::error_code ec;
    auto status = fs::symlink_status(host, ec);
    if (!ec && fs::is_directory(status) && !fs::is_symlink(status)) binds.push_back(host.string());
  }
  return binds;
}

// The tmpfs mount points, made with the modes their tmpfs must have: runc
// gives a tmpfs the mode of a directory that already exists at its mount
// point (and makes a missing one 0755), so without this every sandbox after
// the first found /tmp not writable. Fixed on every call, for skeletons made
// before this rule.
Status prepare_mount_points(const fs::path& rootfs) {
  const std::pair<fs::path, fs::perms> kPoints[] = {
      {rootfs / "tmp", fs::perms::all | fs::perms::sticky_bit},
      {rootfs / "var/tmp", fs::perms::all | fs::perms::sticky_bit},
      {rootfs / std::string(kSandboxHome).substr(1), fs::perms::owner_all},
  };
  for (const auto& [dir, mode] : kPoints) {
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (!ec) fs::permissions(dir, mode, fs::perm_options::replace, ec);
    if (ec) return Status::from_errno(ec.value(), "preparing " + dir.string());
  }
  return Status::ok();
}

// Builds the skeleton under a name no other builder uses (threads of one
// process race here too) and renames it into place: whoever wins, the
// skeleton in place is complete.
Status ensure_shared_rootfs(const fs::path& rootfs) {
  std::error_code ec;
  if (fs::is_directory(rootfs, ec)) return prepare_mount_points(rootfs);
  fs::path building = rootfs.string() + ".building-" + new_id("b");
  fs::create_directories(building, ec);
  if (ec) return Status::from_errno(ec.value(), "creating " + building.string());
  Status made = write_etc(building / "etc");
  if (made.is_ok()) made = link_system_dirs(building);
  if (made.is_ok()) made = prepare_mount_points(building);
  if (made.is_ok()) fs::rename(building, rootfs, ec);
  if (!made.is_ok() || ec) fs::remove_all(building, ec);
  if (!made.is_ok()) return made;
  if (!fs::is_directory(rootfs)) return Status::io("could not create the sandbox skeleton " + rootfs.string());
  return Status::ok();
}

}  // namespace

bool is_shared_rootfs(const std::string& entry_name) { return entry_name.rfind(kSharedRootfs, 0) == 0; }

Status write_bundle(const std::string& bundle_dir, const SandboxSpec& spec, const std::string& cgroup_parent) {
  fs::path bundle(bundle_dir);
  std::error_code ec;
  fs::path rootfs = bundle.parent_path() / kSharedRootfs;
  CORRAL_RETURN_IF_ERROR(ensure_shared_rootfs(rootfs));
  if (!fs::create_directory(bundle, ec) || ec) {
    return Status::already_exists("sandbox bundle " + bundle_dir + " exists or cannot be created");
  }
  std::vector<std::string> host_binds = system_dir_binds();
  for (const std::string& entry : shared_etc_entries()) {
    if (fs::exists(entry, ec)) host_binds.push_back(entry);
  }
  return write_file(bundle / "config.json", oci_config(spec, host_binds, cgroup_parent, rootfs.string()).dump(2));
}

Status remove_bundle(const std::string& bundle_dir) {
  std::error_code ec;
  fs::remove_all(bundle_dir, ec);  // does not follow symlinks
  if (ec) return Status::from_errno(ec.value(), "removing sandbox bundle " + bundle_dir);
  return Status::ok();
}

}  // namespace corral::containers
