#include "routing/kpi_history.h"

#include <gtest/gtest.h>

namespace corral::routing {
namespace {

using std::chrono::hours;

TimePoint at(int hour) { return TimePoint{} + hours(24 * 365 * 50) + hours(hour); }

TEST(KpiHistory, EachSeriesIsTheRecordAsItStoodAfterEachOutcome) {
  std::vector<Outcome> history = {{OutcomeKind::kMerged, at(0), "t1", "claude"},
                                  {OutcomeKind::kRejected, at(1), "t2", "codex"},
                                  {OutcomeKind::kMerged, at(2), "t3", "claude"},
                                  {OutcomeKind::kRolledBack, at(3), "t1", "claude"},
                                  {OutcomeKind::kForcePushRefused, at(4), "", ""}};
  auto series = kpi_history(history, hours(24 * 30), hours(24 * 30), 100);
  ASSERT_EQ(series.size(), 3u);  // the repository's, claude's, codex's
  ASSERT_EQ(series[""].size(), 5u) << "every outcome, the agent-less one too";
  ASSERT_EQ(series["claude"].size(), 3u);
  ASSERT_EQ(series["codex"].size(), 1u);
  EXPECT_EQ(series["claude"][1].at, at(2));
  EXPECT_NEAR(series["claude"][1].kpis.success_rate, 1.0, 0.01) << "two merges, nothing rolled back yet";
  EXPECT_EQ(series["claude"][2].kpis.counts.rolled_back, 1);
  EXPECT_GT(series["claude"][2].kpis.rollback_rate, 0.4) << "one of two merges rolled back";
  EXPECT_LT(series["claude"][2].kpis.success_rate, series["claude"][1].kpis.success_rate);
  EXPECT_EQ(series["codex"][0].kpis.success_rate, 0);
  EXPECT_EQ(series[""][1].kpis.counts.rejected, 1);
}

TEST(KpiHistory, ALongHistoryIsThinnedToAtMostMaxPointsKeepingTheLast) {
  std::vector<Outcome> history;
  for (int i = 0; i < 1001; ++i) history.push_back({OutcomeKind::kMerged, at(i), "t" + std::to_string(i), "a"});
  auto series = kpi_history(history, hours(24 * 30), hours(24 * 30), 300);
  for (const auto& [key, points] : series) {
    EXPECT_LE(points.size(), 300u) << key;
    EXPECT_GE(points.size(), 250u) << key;
    EXPECT_EQ(points.back().at, at(1000)) << key << ": the latest point is always there";
    EXPECT_EQ(points.back().kpis.counts.merged, 1001) << key;
    for (size_t i = 1; i < points.size(); ++i) EXPECT_LT(points[i - 1].at, points[i].at);
  }
}

}  // namespace
}  // namespace corral::routing
