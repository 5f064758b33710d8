// One call for a task's typed event.
#pragma once

#include <nlohmann/json_fwd.hpp>

#include <string>

#include "core/event.h"
#include "store/event_log.h"

namespace corral::store {

// Records `type` for a task (its run, if any; correlation: the run, else the task).
Status record_event(store::EventLog& events, const std::string& type, const std::string& task_id,
                    const std::string& run_id, const std::string& repo_id, const nlohmann::json& payload);

}  // namespace corral::store
