// Small pieces the daemon's parts share for writing events: one call for a
// typed event, and an EventSink that takes the Service's lock (for worker
// threads that hand a sink to runner/).
#pragma once

#include <nlohmann/json_fwd.hpp>

#include <string>

#include "core/event.h"
#include "orchestrator/service.h"
#include "store/event_log.h"

namespace corral::orchestrator {

// Records `type` for a task (its run, if any; correlation: the run, else the task).
Status record_event(store::EventLog& events, const std::string& type, const std::string& task_id,
                    const std::string& run_id, const std::string& repo_id, const nlohmann::json& payload);

class LockedSink final : public EventSink {
 public:
  explicit LockedSink(Service& service) : service_(service) {}
  Status record(const Event& event) override {
    return service_.with_store([&](Service::Store& store) { return store.events.record(event); });
  }

 private:
  Service& service_;
};

}  // namespace corral::orchestrator
