// A grant: what one run of a task is allowed. Routing turns a repository's
// autonomy tier into a grant (grant_for_tier); a task's own requests are
// kept within the tier's ceiling.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "core/status.h"
#include "routing/tier.h"

namespace corral::routing {

struct SandboxLimits {
  std::chrono::seconds timeout{600};
  int64_t memory_bytes = int64_t{1} << 30;  // 1 GiB
  int64_t pids = 256;
  double cpus = 1.0;
};

struct Grant {
  SandboxLimits limits;
  // The run may go out through the egress proxy to the repository's
  // allowlist (nothing else is ever reachable); false: no network at all.
  bool network = false;
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

// The most a run on a repository at `tier` gets:
//   tier        timeout  memory  pids  cpus  network
//   observe       10 min   1 GiB   256    1   none (the model through the LLM gateway only)
//   supervised    20 min   2 GiB   512    2   the owner's egress allowlist, through the proxy
//   trusted       30 min   4 GiB  1024    2   the owner's egress allowlist, through the proxy
//   autonomous    60 min   4 GiB  1024    4   the owner's egress allowlist, through the proxy
SandboxLimits tier_ceiling(Tier tier);

// `request` as default_grant checks it, then each value held to the tier's
// ceiling (a request above it gets the ceiling). `clamped` lists the fields
// that were lowered, for the routing event.
Result<Grant> grant_for_tier(Tier tier, const LimitRequest& request, std::string* clamped = nullptr);

}  // namespace corral::routing
