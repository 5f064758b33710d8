// Finding and removing sandboxes whose run is over: left behind when corral
// was killed mid-run (the sandbox's processes died with it, see the
// supervisor, but the runtime's state and the bundle stay on disk).
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "containers/sandbox_backend.h"
#include "core/status.h"

namespace corral::runner {

struct RemovedSandbox {
  std::string name;
  std::string run_id;  // "" if the name is not a run's
  std::string status;  // what the backend said before removal
};

// Kills and removes every sandbox of this backend whose run is not live.
// Returns what was removed; stops at the first failure.
Result<std::vector<RemovedSandbox>> remove_orphan_sandboxes(
    containers::SandboxBackend& backend, const std::function<bool(const std::string& run_id)>& is_live);

}  // namespace corral::runner
