#include "containers/oci_bundle.h"

#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "containers/oci_config.h"

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
         "agent:x:" + std::to_string(kSandboxUid) + ":" + std::to_string(kSandboxGid) +
         ":corral agent:" + kSandboxHome + ":/bin/sh\n"
         "nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n";
}

std::string group() {
  return "root:x:0:\nagent:x:" + std::to_string(kSandboxGid) + ":\nnogroup:x:65534:\n";
}

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

// On a merged-/usr host, /bin and friends are symlinks into /usr: the rootfs
// gets the same symlinks. Otherwise they are mounted read-only.
Status link_system_dirs(const fs::path& rootfs, std::vector<std::string>* host_binds) {
  for (const char* name : {"bin", "lib", "lib64", "sbin", "lib32", "libx32"}) {
    fs::path host = fs::path("/") / name;
    std::error_code ec;
    auto status = fs::symlink_status(host, ec);
    if (ec || !fs::exists(status)) continue;
    if (fs::is_symlink(status)) {
      fs::create_symlink(fs::read_symlink(host), rootfs / name, ec);
      if (ec) return Status::from_errno(ec.value(), "linking " + (rootfs / name).string());
    } else {
      host_binds->push_back(host.string());
    }
  }
  return Status::ok();
}

}  // namespace

Status write_bundle(const std::string& bundle_dir, const SandboxSpec& spec, const std::string& cgroup_parent) {
  fs::path bundle(bundle_dir);
  fs::path rootfs = bundle / "rootfs";
  std::error_code ec;
  if (!fs::create_directories(rootfs, ec) || ec) {
    return Status::already_exists("sandbox bundle " + bundle_dir + " exists or cannot be created");
  }
  CORRAL_RETURN_IF_ERROR(write_etc(rootfs / "etc"));
  std::vector<std::string> host_binds;
  CORRAL_RETURN_IF_ERROR(link_system_dirs(rootfs, &host_binds));
  for (const std::string& entry : shared_etc_entries()) {
    if (fs::exists(entry, ec)) host_binds.push_back(entry);
  }
  return write_file(bundle / "config.json", oci_config(spec, host_binds, cgroup_parent).dump(2));
}

Status remove_bundle(const std::string& bundle_dir) {
  std::error_code ec;
  fs::remove_all(bundle_dir, ec);  // does not follow symlinks
  if (ec) return Status::from_errno(ec.value(), "removing sandbox bundle " + bundle_dir);
  return Status::ok();
}

}  // namespace corral::containers
