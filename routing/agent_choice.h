// Which agent profile does a task on a repository: the one with the better
// record there, while newer profiles get a bounded share of low-risk tasks
// (else they could never earn a record). Pure: the caller passes each
// profile's KPIs on this repository and a draw in [0, 1) for the task.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "routing/kpi.h"

namespace corral::routing {

// A profile with fewer decided outcomes than this on the repository is newer.
inline constexpr double kNewcomerSamples = 5;

struct AgentChoice {
  std::string agent;
  std::string rule;    // "best record", "exploring a newer profile", "only profile"
  std::string reason;  // the numbers compared
};

// `allowed` must not be empty. A task is low-risk when a human reviews its
// result anyway (the caller decides: the tier requires approvals). At most
// `exploration_share` of low-risk tasks (those whose draw falls below it) go
// to the newer profile with the fewest samples; every other task goes to the
// profile with the highest success lower bound (ties: lower rollback upper
// bound, then the order of `allowed`).
AgentChoice choose_agent(const std::vector<std::string>& allowed, const std::map<std::string, Kpis>& records,
                         bool low_risk, double draw, double exploration_share);

}  // namespace corral::routing
