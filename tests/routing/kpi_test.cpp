#include "routing/kpi.h"

#include <gtest/gtest.h>

#include <cmath>

namespace corral::routing {
namespace {

using std::chrono::hours;

TimePoint at(int hour) { return TimePoint{} + hours(24 * 365 * 50) + hours(hour); }

Outcome outcome(OutcomeKind kind, int hour, const std::string& task = "") { return {kind, at(hour), task, "agent"}; }

TEST(Wilson, ASmallSampleEarnsLessThanALargeOneAtTheSameRate) {
  EXPECT_LT(wilson_lower(3, 3), wilson_lower(300, 300));
  EXPECT_NEAR(wilson_lower(300, 300), 0.991, 0.002);
  EXPECT_NEAR(wilson_lower(3, 3), 0.525, 0.005);
  EXPECT_GT(wilson_upper(0, 3), wilson_upper(0, 300));
  EXPECT_EQ(wilson_lower(0, 0), 0);
  EXPECT_EQ(wilson_upper(0, 0), 1);
}

TEST(TrackRecord, CountsRatesAndBounds) {
  TrackRecord record(hours(24 * 30));
  for (int i = 0; i < 8; ++i) record.add(outcome(OutcomeKind::kMerged, i, "t" + std::to_string(i)));
  record.add(outcome(OutcomeKind::kRejected, 8));
  record.add(outcome(OutcomeKind::kRunFailed, 9));
  record.add(outcome(OutcomeKind::kCancelled, 10));
  Kpis kpis = record.kpis(at(10));
  EXPECT_EQ(kpis.counts.merged, 8);
  EXPECT_EQ(kpis.counts.cancelled, 1);
  EXPECT_NEAR(kpis.samples, 10, 0.1);  // cancelled counts for neither side
  EXPECT_NEAR(kpis.success_rate, 0.8, 0.01);
  EXPECT_LT(kpis.success_lower, kpis.success_rate);
  EXPECT_EQ(kpis.rollback_rate, 0);
  EXPECT_EQ(kpis.counts.last_outcome, at(10));
}

TEST(TrackRecord, ARollbackTurnsItsMergeIntoAFailure) {
  TrackRecord record(hours(24 * 30));
  record.add(outcome(OutcomeKind::kMerged, 0, "a"));
  record.add(outcome(OutcomeKind::kMerged, 1, "b"));
  record.add(outcome(OutcomeKind::kRolledBack, 2, "a"));
  Kpis kpis = record.kpis(at(2));
  EXPECT_NEAR(kpis.success_rate, 0.5, 0.01);
  EXPECT_NEAR(kpis.rollback_rate, 0.5, 0.01);
  EXPECT_EQ(kpis.counts.rolled_back, 1);
  record.add(outcome(OutcomeKind::kRolledBack, 3, "a"));  // twice, or of an unknown task: no effect on rates
  record.add(outcome(OutcomeKind::kRolledBack, 3, "zzz"));
  EXPECT_NEAR(record.kpis(at(3)).rollback_rate, 0.5, 0.01);
}

TEST(TrackRecord, OldHistoryFades) {
  TrackRecord record(hours(24));
  record.add(outcome(OutcomeKind::kRejected, 0));
  for (int day = 1; day <= 10; ++day) record.add(outcome(OutcomeKind::kMerged, 24 * day, "t" + std::to_string(day)));
  TrackRecord fresh(hours(24));
  for (int day = 1; day <= 10; ++day) fresh.add(outcome(OutcomeKind::kMerged, 24 * day, "t" + std::to_string(day)));
  fresh.add(outcome(OutcomeKind::kRejected, 24 * 10));
  // The same outcomes: a failure ten half-lives ago weighs ~1/1024 of a new one.
  EXPECT_GT(record.kpis(at(240)).success_rate, 0.999);
  EXPECT_LT(fresh.kpis(at(240)).success_rate, 0.8);
  EXPECT_GT(record.kpis(at(240)).trend, -0.01);
}

TEST(TrackRecord, StaysFiniteOverYearsOfShortHalfLives) {
  TrackRecord record(hours(1));
  for (int hour = 0; hour < 24 * 365 * 3; hour += 7)
    record.add(outcome(OutcomeKind::kMerged, hour, std::to_string(hour)));
  Kpis kpis = record.kpis(at(24 * 365 * 3));
  EXPECT_TRUE(std::isfinite(kpis.samples));
  EXPECT_NEAR(kpis.success_rate, 1, 1e-9);
}

TEST(TrackRecord, ARollbackLongAfterItsMergeDoesNotCount) {
  TrackRecord record(hours(24 * 30), hours(24 * 7));
  EXPECT_TRUE(record.add(outcome(OutcomeKind::kMerged, 0, "a")));
  EXPECT_TRUE(record.add(outcome(OutcomeKind::kMerged, 0, "b")));
  EXPECT_TRUE(record.add(outcome(OutcomeKind::kRolledBack, 24 * 6, "a")));   // within a week
  EXPECT_FALSE(record.add(outcome(OutcomeKind::kRolledBack, 24 * 8, "b")));  // after it
  Kpis kpis = record.kpis(at(24 * 8));
  EXPECT_EQ(kpis.counts.rolled_back, 1);
  EXPECT_NEAR(kpis.rollback_rate, 0.5, 0.01);
}

}  // namespace
}  // namespace corral::routing
