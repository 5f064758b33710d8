#include "containers/oci_config.h"

#include <nlohmann/json.hpp>

#include "containers/seccomp_profile.h"

namespace corral::containers {
namespace {

using json = nlohmann::json;

constexpr int64_t kCpuPeriod = 100'000;  // microseconds, the kernel's default

json mount(const std::string& destination, const std::string& type, const std::string& source,
           std::vector<std::string> options) {
  return {{"destination", destination}, {"type", type}, {"source", source}, {"options", std::move(options)}};
}

json read_only_bind(const std::string& host, const std::string& sandbox) {
  return mount(sandbox, "bind", host, {"rbind", "ro", "nosuid", "nodev"});
}

json tmpfs(const std::string& destination, const std::string& mode, const std::string& size,
           bool owned_by_agent = false) {
  std::vector<std::string> options = {"nosuid", "nodev", "mode=" + mode, "size=" + size};
  if (owned_by_agent) {
    options.push_back("uid=" + std::to_string(kSandboxUid));
    options.push_back("gid=" + std::to_string(kSandboxGid));
  }
  return mount(destination, "tmpfs", "tmpfs", std::move(options));
}

json kernel_mounts() {
  return json::array({
      mount("/proc", "proc", "proc", {"nosuid", "noexec", "nodev"}),
      mount("/dev", "tmpfs", "tmpfs", {"nosuid", "strictatime", "mode=755", "size=65536k"}),
      mount("/dev/pts", "devpts", "devpts", {"nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620"}),
      mount("/dev/shm", "tmpfs", "shm", {"nosuid", "noexec", "nodev", "mode=1777", "size=65536k"}),
      mount("/dev/mqueue", "mqueue", "mqueue", {"nosuid", "noexec", "nodev"}),
      mount("/sys", "sysfs", "sysfs", {"nosuid", "noexec", "nodev", "ro"}),
  });
}

json mounts(const SandboxSpec& spec, const std::vector<std::string>& host_binds) {
  json list = kernel_mounts();
  list.push_back(read_only_bind("/usr", "/usr"));
  for (const std::string& entry : host_binds) list.push_back(read_only_bind(entry, entry));
  for (const ReadOnlyMount& extra : spec.read_only_mounts) {
    list.push_back(read_only_bind(extra.host_path, extra.sandbox_path));
  }
  list.push_back(mount(kSandboxWorkspace, "bind", spec.workspace_host_path, {"rbind", "rw", "nosuid", "nodev"}));
  list.push_back(tmpfs("/tmp", "1777", "512m"));
  list.push_back(tmpfs("/var/tmp", "1777", "128m"));
  list.push_back(tmpfs("/run", "755", "16m"));
  list.push_back(tmpfs(kSandboxHome, "700", "512m", /*owned_by_agent=*/true));
  list.push_back(mount(kSupervisorPath, "bind", spec.supervisor_host_path, {"bind", "ro", "nosuid", "nodev"}));
  if (!spec.run_dir_host_path.empty()) list.push_back(read_only_bind(spec.run_dir_host_path, kRunDirPath));
  if (!spec.git_objects_host_path.empty()) list.push_back(read_only_bind(spec.git_objects_host_path, kGitObjectsPath));
  return list;
}

json process(const SandboxSpec& spec) {
  std::vector<std::string> args = supervisor_prefix(spec);
  args.insert(args.end(), spec.argv.begin(), spec.argv.end());
  json no_capabilities = json::array();
  return {
      {"terminal", false},
      {"user", {{"uid", kSandboxUid}, {"gid", kSandboxGid}, {"additionalGids", json::array()}}},
      {"args", args},
      {"env", spec.env},
      {"cwd", kSandboxWorkspace},
      {"capabilities",
       {{"bounding", no_capabilities},
        {"effective", no_capabilities},
        {"inheritable", no_capabilities},
        {"permitted", no_capabilities},
        {"ambient", no_capabilities}}},
      {"rlimits",
       {{{"type", "RLIMIT_NOFILE"}, {"hard", 4096}, {"soft", 4096}},
        {{"type", "RLIMIT_CORE"}, {"hard", 0}, {"soft", 0}}}},
      {"noNewPrivileges", true},
  };
}

json resources(const SandboxSpec& spec) {
  return {
      {"memory", {{"limit", spec.limits.memory_bytes}, {"swap", spec.limits.memory_bytes}}},
      {"pids", {{"limit", spec.limits.pids}}},
      {"cpu", {{"quota", static_cast<int64_t>(spec.limits.cpus * kCpuPeriod)}, {"period", kCpuPeriod}}},
      {"devices", {{{"allow", false}, {"access", "rwm"}}}},
  };
}

}  // namespace

const std::vector<std::string>& shared_etc_entries() {
  static const std::vector<std::string> kEntries = {
      "/etc/ld.so.cache", "/etc/ld.so.conf",      "/etc/ld.so.conf.d", "/etc/alternatives",
      "/etc/ssl/certs",   "/etc/ca-certificates", "/etc/localtime",    "/etc/mime.types",
  };
  return kEntries;
}

nlohmann::json oci_config(const SandboxSpec& spec, const std::vector<std::string>& host_binds,
                          const std::string& cgroup_parent, const std::string& rootfs) {
  json annotations = json::object();
  for (const auto& [key, value] : spec.labels) annotations[key] = value;
  return {
      {"ociVersion", "1.0.2"},
      {"process", process(spec)},
      {"root", {{"path", rootfs}, {"readonly", true}}},
      {"hostname", "sandbox"},
      {"mounts", mounts(spec, host_binds)},
      {"annotations", annotations},
      {"linux",
       {{"namespaces",
         {{{"type", "pid"}},
          {{"type", "network"}},
          {{"type", "ipc"}},
          {{"type", "uts"}},
          {{"type", "mount"}},
          {{"type", "cgroup"}}}},
        {"resources", resources(spec)},
        {"cgroupsPath", cgroup_parent + "/" + spec.name},
        {"maskedPaths",
         {"/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys", "/proc/latency_stats", "/proc/timer_list",
          "/proc/timer_stats", "/proc/sched_debug", "/proc/scsi", "/sys/firmware", "/sys/devices/virtual/powercap"}},
        {"readonlyPaths", {"/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"}},
        {"seccomp", seccomp_profile()}}},
  };
}

}  // namespace corral::containers
