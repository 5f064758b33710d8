// Child processes for the container backends (internal to containers/):
// fork/exec with chosen stdio, tied to our life, and run-to-completion with
// captured output and a deadline. errno becomes a Status here.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <string>
#include <vector>

#include "core/status.h"

namespace corral::containers {

struct SpawnOptions {
  std::vector<std::string> argv;  // argv[0] is looked up in PATH
  int stdin_fd = -1;              // -1: /dev/null
  int stdout_fd = -1;             // -1: /dev/null
  int stderr_fd = -1;             // -1: /dev/null
};

// Starts the child. It gets SIGKILL when the spawning *thread* ends
// (PR_SET_PDEATHSIG is per thread), so a crashed corral leaves no runtime
// process behind: spawn from a thread that outlives the child's work.
Result<pid_t> spawn(const SpawnOptions& options);

// Waits for `pid`; its exit code, or 128+signal if a signal ended it.
Result<int> wait_exit(pid_t pid);

struct CommandOutput {
  int exit_code = -1;
  std::string output;  // stdout and stderr, interleaved
};

// Runs argv to completion. timeout: the child is killed and a timeout Status
// returned.
Result<CommandOutput> run_command(const std::vector<std::string>& argv,
                                  std::chrono::milliseconds timeout = std::chrono::seconds(30));

// Descriptors owned by one object; closed on destruction.
class UniqueFd {
 public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) : fd_(fd) {}
  UniqueFd(UniqueFd&& other) noexcept : fd_(other.release()) {}
  UniqueFd& operator=(UniqueFd&& other) noexcept;
  ~UniqueFd();
  int get() const { return fd_; }
  int release() {
    int fd = fd_;
    fd_ = -1;
    return fd;
  }
  void reset();

 private:
  int fd_ = -1;
};

// A pipe with both ends close-on-exec.
Status make_pipe(UniqueFd* read_end, UniqueFd* write_end);

}  // namespace corral::containers
