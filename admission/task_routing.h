// Routing one task as its run starts (ARCHITECTURE.md, "The life of a task", step 3): the repository's
// tier in force becomes the run's grant (the task's own limits held to the
// tier's ceiling), and a task submitted without an agent gets the profile
// with the better record there. One task.routed event carries the decision
// and its reasons.
#pragma once

#include <string>

#include "core/data_layout.h"
#include "policy/access.h"
#include "routing/grant.h"
#include "settings/boundary_settings.h"
#include "store/store.h"

namespace corral::admission {

struct RoutedTask {
  routing::Tier tier = routing::Tier::kObserve;
  routing::Grant grant;
  std::string agent;
  settings::BoundarySettings boundaries;  // the repository's, as read for this routing
};

// Call within a store::Transaction. `task` is the stored task; `run_id` names
// the run for the event; `asked`: the limits asked for (held to the tier's ceiling).
Result<RoutedTask> route_task(store::Transaction& store, const store::QueuedTask& task, const std::string& run_id,
                              const routing::LimitRequest& asked, TimePoint now);

}  // namespace corral::admission
