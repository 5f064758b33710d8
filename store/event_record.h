// Events as the modules record them: built from what they are about, so an
// event about a task always carries the task's repository and agent (a
// repository-scoped reader filters on them) and its correlation id is set the
// one way (the run, else the task).
//
//   CORRAL_RETURN_IF_ERROR(store::TaskEvent("task.held", task).payload({{"reason", why}}).record(tx.events));
#pragma once

#include <nlohmann/json_fwd.hpp>

#include <string>

#include "core/event.h"
#include "store/event_log.h"
#include "store/task_queue.h"

namespace corral::store {

// An event about one task: id, repository and agent come from its record.
class TaskEvent {
 public:
  TaskEvent(std::string type, const QueuedTask& task);
  // The run it happened in (also its correlation id).
  TaskEvent& run(const std::string& run_id);
  TaskEvent& payload(const nlohmann::json& payload);
  Status record(EventLog& events) const { return events.record(event_); }

 private:
  Event event_;
};

// An event about a repository and no task (settings, owners' branch moves, alerts).
class RepoEvent {
 public:
  RepoEvent(std::string type, const std::string& repo_id);
  // The task whose outcome caused it, if any (a tier change), by id.
  RepoEvent& caused_by(const std::string& task_id);
  RepoEvent& payload(const nlohmann::json& payload);
  Status record(EventLog& events) const { return events.record(event_); }

 private:
  Event event_;
};

}  // namespace corral::store
