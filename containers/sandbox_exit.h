// How a sandbox ended, and the one-line reason a person reads.
#pragma once

#include <cstdint>
#include <string>

namespace corral::containers {

struct SandboxExit {
  int exit_code = -1;       // the agent's exit code, or 128+signal
  bool timed_out = false;   // killed at the deadline
  bool oom_killed = false;  // the memory limit was hit and the kernel killed a process
  int64_t memory_limit = 0;
  int64_t timeout_seconds = 0;

  bool succeeded() const { return exit_code == 0 && !timed_out; }
  // e.g. "timed out after 5 s", "agent exited with status 2",
  // "agent command not found (exit 127)", "out of memory (limit 64 MiB)".
  std::string reason() const;
};

}  // namespace corral::containers
