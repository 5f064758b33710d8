// The one interface runner/ uses to run a sandbox, whatever is behind it.
//
// Life of a sandbox: create (resources made, nothing runs) -> start -> wait
// (streams output, enforces the deadline) -> remove (always, also after
// failures). kill stops it early; terminate asks it to. list_ours finds sandboxes this backend made,
// including ones a crashed corral left behind.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "containers/sandbox_exit.h"
#include "containers/sandbox_spec.h"
#include "core/status.h"

namespace corral::containers {

enum class OutputStream { kStdout, kStderr };

// Called on the waiting thread with each chunk of output as it arrives.
using OutputHandler = std::function<void(OutputStream, std::string_view)>;

struct SandboxInfo {
  std::string name;
  std::string status;  // backend's word: "created", "running", "stopped", …
  std::map<std::string, std::string> labels;
};

class SandboxBackend {
 public:
  virtual ~SandboxBackend() = default;

  virtual std::string_view kind() const = 0;  // "runc", "crun", "docker"
  // ok if sandboxes can be made from `image` (empty: the backend's default);
  // checked before a task is recorded, so a missing image is bad input.
  virtual Status check_image(const std::string& image) = 0;
  virtual Status create(const SandboxSpec& spec) = 0;
  virtual Status start(const std::string& name) = 0;
  // Returns when the sandbox's main process exited, or after `timeout`, in
  // which case the sandbox is killed and the exit says timed_out.
  virtual Result<SandboxExit> wait(const std::string& name, std::chrono::milliseconds timeout,
                                   const OutputHandler& on_output) = 0;
  virtual Status kill(const std::string& name) = 0;
  // Asks it to stop: SIGTERM to its first process (the supervisor passes it
  // on to the agent's process group), so the agent can finish what it writes.
  virtual Status terminate(const std::string& name) = 0;
  // Idempotent: removing what is already gone succeeds.
  virtual Status remove(const std::string& name) = 0;
  virtual Result<std::vector<SandboxInfo>> list_ours() = 0;
};

}  // namespace corral::containers
