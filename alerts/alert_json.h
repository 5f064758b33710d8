// An alert as the API, the CLI and the generic webhook show it.
#pragma once

#include <nlohmann/json.hpp>

#include "store/alerts.h"

namespace corral::alerts {

// {"id", "seq", "rule", "severity", "state", "repo", "task", "agent", "subject", "summary", "facts", "events",
//  "raised_at", "acknowledged": {by, at, note} | null, "resolved": {by, at, note} | null}
nlohmann::json alert_json(const store::AlertRecord& alert);

}  // namespace corral::alerts
