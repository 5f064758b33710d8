#include "containers/sandbox_exit.h"

#include <csignal>
#include <cstring>

namespace corral::containers {

std::string SandboxExit::reason() const {
  if (timed_out) return "timed out after " + std::to_string(timeout_seconds) + " s";
  if (oom_killed) {
    return "out of memory (limit " + std::to_string(memory_limit >> 20) + " MiB)";
  }
  if (exit_code == 0) return "agent succeeded";
  if (exit_code == 127) return "agent command not found (exit 127)";
  if (exit_code == 126) return "agent command not executable (exit 126)";
  if (exit_code > 128 && exit_code < 128 + NSIG) {
    const char* name = sigabbrev_np(exit_code - 128);
    return "agent killed by signal " + std::to_string(exit_code - 128) + " (SIG" + (name ? name : "?") + ")";
  }
  return "agent exited with status " + std::to_string(exit_code);
}

}  // namespace corral::containers
