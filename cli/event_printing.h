// One line per event for people: sequence, time, task, type, and the payload's
// fields (agent output as its text). The same for stored and live events.
#pragma once

#include <nlohmann/json_fwd.hpp>

namespace corral::cli {

// `event`: {seq, time, task, type, payload}, as the API and `events --json` give it.
void print_event(const nlohmann::json& event);

}  // namespace corral::cli
