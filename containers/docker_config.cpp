#include "containers/docker_config.h"

#include <nlohmann/json.hpp>

namespace corral::containers {
namespace {

using json = nlohmann::json;

json mounts(const SandboxSpec& spec) {
  json list = json::array();
  auto bind = [&](const std::string& source, const std::string& target, bool read_only) {
    list.push_back({{"Type", "bind"},
                    {"Source", source},
                    {"Target", target},
                    {"ReadOnly", read_only},
                    {"BindOptions", {{"Propagation", "rprivate"}}}});
  };
  bind(spec.workspace_host_path, kSandboxWorkspace, false);
  bind(spec.supervisor_host_path, kSupervisorPath, true);
  if (!spec.run_dir_host_path.empty()) bind(spec.run_dir_host_path, kRunDirPath, true);
  if (!spec.git_objects_host_path.empty()) bind(spec.git_objects_host_path, kGitObjectsPath, true);
  for (const ReadOnlyMount& extra : spec.read_only_mounts) bind(extra.host_path, extra.sandbox_path, true);
  return list;
}

json tmpfs() {
  std::string agent = ",uid=" + std::to_string(kSandboxUid) + ",gid=" + std::to_string(kSandboxGid);
  return {{"/tmp", "rw,nosuid,nodev,mode=1777,size=512m"},
          {"/var/tmp", "rw,nosuid,nodev,mode=1777,size=128m"},
          {"/run", "rw,nosuid,nodev,mode=755,size=16m"},
          {kSandboxHome, "rw,nosuid,nodev,mode=700,size=512m" + agent}};
}

}  // namespace

nlohmann::json docker_create_body(const SandboxSpec& spec, const std::string& owner) {
  json labels = json::object();
  for (const auto& [key, value] : spec.labels) labels[key] = value;
  labels["corral.owner"] = owner;
  const SandboxLimits& limits = spec.limits;
  json host_config = {
      {"Mounts", mounts(spec)},
      {"Tmpfs", tmpfs()},
      {"CapDrop", {"ALL"}},
      {"CapAdd", json::array()},
      // The engine's default seccomp profile stays on: it is never overridden here.
      {"SecurityOpt", {"no-new-privileges"}},
      {"Privileged", false},
      {"ReadonlyRootfs", true},
      {"Memory", limits.memory_bytes},
      {"MemorySwap", limits.memory_bytes},
      {"PidsLimit", limits.pids},
      {"NanoCpus", static_cast<int64_t>(limits.cpus * 1e9)},
      {"NetworkMode", "none"},
      {"IpcMode", "private"},
      {"CgroupnsMode", "private"},
      {"Init", false},  // our supervisor is PID 1
      {"AutoRemove", false},
      {"Ulimits", {{{"Name", "nofile"}, {"Soft", 4096}, {"Hard", 4096}}, {{"Name", "core"}, {"Soft", 0}, {"Hard", 0}}}},
      {"MaskedPaths",
       {"/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys", "/proc/latency_stats", "/proc/timer_list",
        "/proc/timer_stats", "/proc/sched_debug", "/proc/scsi", "/sys/firmware", "/sys/devices/virtual/powercap"}},
      {"ReadonlyPaths", {"/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"}},
  };
  return {
      {"Image", spec.image},
      {"Entrypoint", supervisor_prefix(spec)},
      {"Cmd", spec.argv},
      {"Env", spec.env},
      {"WorkingDir", kSandboxWorkspace},
      {"User", std::to_string(kSandboxUid) + ":" + std::to_string(kSandboxGid)},
      {"Hostname", "sandbox"},
      {"Labels", labels},
      {"AttachStdin", false},
      {"AttachStdout", true},
      {"AttachStderr", true},
      {"OpenStdin", false},
      {"Tty", false},
      {"NetworkDisabled", true},
      {"HostConfig", host_config},
  };
}

}  // namespace corral::containers
