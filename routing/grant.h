// A grant: what one run of a task is allowed. Routing turns a repository's
// autonomy tier into a grant (later issues); until tiers exist, every run gets
// the safe default grant, which a caller may tighten or loosen within bounds.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "core/status.h"

namespace corral::routing {

struct SandboxLimits {
  std::chrono::seconds timeout{600};
  int64_t memory_bytes = int64_t{1} << 30;  // 1 GiB
  int64_t pids = 256;
  double cpus = 1.0;
};

struct Grant {
  SandboxLimits limits;
  bool network = false;  // loopback only inside the sandbox
};

// What a caller asked to change; unset fields keep the default.
struct LimitRequest {
  std::optional<int64_t> timeout_seconds;
  std::optional<int64_t> memory_bytes;
  std::optional<int64_t> pids;
  std::optional<double> cpus;
};

// The default grant with `request` applied. invalid_argument, naming the
// field and its allowed range, if any requested value is out of bounds:
// timeout 1 s..24 h, memory 16 MiB..64 GiB, pids 8..32768, cpus 0.05..64.
Result<Grant> default_grant(const LimitRequest& request);

}  // namespace corral::routing
