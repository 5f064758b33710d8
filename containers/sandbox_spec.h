// What a sandbox is, independent of the backend that makes it: the hardened
// profile's inputs. Backends (OCI runtime now, Docker Engine next) turn a
// SandboxSpec into their own format and may not weaken it.
//
// Always, whatever the spec says: every capability dropped, no-new-privileges,
// a read-only root, no network but loopback, the dangerous system calls denied,
// /proc and /sys paths masked or read-only, nothing of the host's /etc, /root,
// /home or corral's data directory visible.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace corral::containers {

struct ReadOnlyMount {
  std::string host_path;     // absolute, already checked by policy::check_host_mount
  std::string sandbox_path;  // absolute, already checked by policy::check_sandbox_target
};

inline constexpr uint32_t kSandboxUid = 10001;
inline constexpr uint32_t kSandboxGid = 10001;
inline constexpr const char* kSandboxHome = "/home/agent";
inline constexpr const char* kSandboxWorkspace = "/workspace";
inline constexpr const char* kSupervisorPath = "/.corral/supervisor";
// The run's own directory (read-only): the gateways' unix sockets and the
// agent profile's files, such as Claude Code's settings with corral's hook.
inline constexpr const char* kRunDirPath = "/.corral/run";
// The repository's objects (the mirror's, read-only): the history the
// workspace's own repository reads as an alternate, so git works inside.
inline constexpr const char* kGitObjectsPath = "/.corral/git-objects";

// A loopback port inside the sandbox that the supervisor relays to a unix
// socket of the run directory: the only way out of a sandbox without network.
struct Relay {
  int port = 0;             // 127.0.0.1:port inside the sandbox
  std::string socket_name;  // a socket in the run directory, e.g. "egress.sock"
};

struct SandboxLimits {
  int64_t memory_bytes = int64_t{1} << 30;
  int64_t pids = 256;
  double cpus = 1.0;
};

struct SandboxSpec {
  std::string name;                 // unique; the container's id, e.g. "corral-r-…"
  std::string image;                // the Docker backend's image; the OCI backend uses the host's /usr
  std::vector<std::string> argv;    // run under the supervisor, in /workspace
  std::vector<std::string> env;     // KEY=VALUE: the whole environment, nothing inherited
  std::string workspace_host_path;  // bound read-write at /workspace, the only writable host path
  std::vector<ReadOnlyMount> read_only_mounts;
  std::string supervisor_host_path;   // the corral-supervisor binary, bound read-only
  std::string run_dir_host_path;      // optional: bound read-only at kRunDirPath
  std::string git_objects_host_path;  // optional: bound read-only at kGitObjectsPath
  std::vector<Relay> relays;          // need run_dir_host_path
  // The supervisor kills the agent after this long even if corral is gone
  // (a Docker container outlives a crashed corral); 0: no own deadline.
  int64_t supervisor_deadline_seconds = 0;
  SandboxLimits limits;
  std::map<std::string, std::string> labels;  // e.g. corral.task, corral.run
};

// The supervisor's own arguments, before the agent's argv.
std::vector<std::string> supervisor_prefix(const SandboxSpec& spec);

}  // namespace corral::containers
