#include "store/event_record.h"

#include <nlohmann/json.hpp>

namespace corral::store {

Status record_event(store::EventLog& events, const std::string& type, const std::string& task_id,
                    const std::string& run_id, const std::string& repo_id, const nlohmann::json& payload) {
  Event event{type, task_id, run_id, repo_id, "", run_id.empty() ? task_id : run_id, "{}"};
  set_payload(event, payload);
  return events.record(event);
}

}  // namespace corral::store
