#include "store/event_record.h"

#include <nlohmann/json.hpp>

namespace corral::store {

TaskEvent::TaskEvent(std::string type, const QueuedTask& task) {
  event_.type = std::move(type);
  event_.task_id = task.id;
  event_.repo_id = task.repo_id;
  event_.agent = task.agent;
  event_.correlation_id = task.id;
}

TaskEvent& TaskEvent::run(const std::string& run_id) {
  event_.run_id = run_id;
  if (!run_id.empty()) event_.correlation_id = run_id;
  return *this;
}

TaskEvent& TaskEvent::payload(const nlohmann::json& payload) {
  set_payload(event_, payload);
  return *this;
}

RepoEvent::RepoEvent(std::string type, const std::string& repo_id) {
  event_.type = std::move(type);
  event_.repo_id = repo_id;
}

RepoEvent& RepoEvent::caused_by(const std::string& task_id) {
  event_.task_id = task_id;
  event_.correlation_id = task_id;
  return *this;
}

RepoEvent& RepoEvent::payload(const nlohmann::json& payload) {
  set_payload(event_, payload);
  return *this;
}

}  // namespace corral::store
