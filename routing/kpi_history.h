// A repository's KPIs over time: how its track record (kpi.h) stood after
// each outcome, for the repository as a whole and for each agent profile, as
// a chart draws them. Pure.
#pragma once

#include <chrono>
#include <map>
#include <string>
#include <vector>

#include "routing/kpi.h"

namespace corral::routing {

struct KpiPoint {
  TimePoint at;  // the outcome's time, where the KPIs are read
  Kpis kpis;
};

// Series keyed by agent profile, and "" for the whole repository (every
// outcome, an agent's or not). `history` in time order. Each series keeps at
// most `max_points` (every k-th point, and always the last), so a long
// history stays a small answer.
std::map<std::string, std::vector<KpiPoint>> kpi_history(const std::vector<Outcome>& history,
                                                         std::chrono::seconds half_life,
                                                         std::chrono::seconds rollback_window, size_t max_points);

}  // namespace corral::routing
