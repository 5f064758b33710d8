// How a run's gateways record what they decide: an event type and its
// payload; the run adds task, run, repository and agent. Called from the
// gateways' connection threads, so the run serialises it.
#pragma once

#include <nlohmann/json_fwd.hpp>

#include <functional>
#include <string>

namespace corral::runner {

using EmitEvent = std::function<void(const std::string& type, const nlohmann::json& payload)>;

}  // namespace corral::runner
