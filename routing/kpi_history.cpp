#include "routing/kpi_history.h"

namespace corral::routing {
namespace {

// Every k-th point counted back from the last (so the last is kept), at
// most `most` of them.
std::vector<KpiPoint> thinned(std::vector<KpiPoint> points, size_t most) {
  if (most == 0 || points.size() <= most) return points;
  size_t stride = (points.size() + most - 1) / most;
  std::vector<KpiPoint> kept;
  for (size_t i = (points.size() - 1) % stride; i < points.size(); i += stride) kept.push_back(points[i]);
  return kept;
}

}  // namespace

std::map<std::string, std::vector<KpiPoint>> kpi_history(const std::vector<Outcome>& history,
                                                         std::chrono::seconds half_life,
                                                         std::chrono::seconds rollback_window, size_t max_points) {
  std::map<std::string, TrackRecord> tracks;
  std::map<std::string, std::vector<KpiPoint>> series;
  auto take = [&](const std::string& key, const Outcome& outcome) {
    TrackRecord& track = tracks.try_emplace(key, half_life, rollback_window).first->second;
    if (track.add(outcome)) series[key].push_back({outcome.at, track.kpis(outcome.at)});
  };
  for (const Outcome& outcome : history) {
    take("", outcome);
    if (!outcome.agent.empty()) take(outcome.agent, outcome);
  }
  for (auto& [key, points] : series) points = thinned(std::move(points), max_points);
  return series;
}

}  // namespace corral::routing
