#include "routing/tier.h"

#include <gtest/gtest.h>

namespace corral::routing {
namespace {

TEST(Tier, NamesRoundTrip) {
  for (Tier tier : {Tier::kObserve, Tier::kSupervised, Tier::kTrusted, Tier::kAutonomous}) {
    EXPECT_EQ(parse_tier(tier_name(tier)), tier);
  }
  EXPECT_EQ(parse_tier("Observe"), std::nullopt);
  EXPECT_EQ(parse_tier(""), std::nullopt);
}

TEST(Tier, HigherTiersNeedFewerApprovalsAndAllowMore) {
  const Tier kOrder[] = {Tier::kObserve, Tier::kSupervised, Tier::kTrusted, Tier::kAutonomous};
  for (size_t i = 1; i < std::size(kOrder); ++i) {
    TierLimits lower = default_limits(kOrder[i - 1]), higher = default_limits(kOrder[i]);
    EXPECT_LE(higher.approvals, lower.approvals);
    EXPECT_GE(higher.max_files, lower.max_files);
    EXPECT_GE(higher.max_lines, lower.max_lines);
  }
  EXPECT_EQ(default_limits(Tier::kObserve).approvals, 2);
}

TEST(Tier, ADiffThatAsksForAHumanGetsOneEvenWhenTheTierNeedsNone) {
  EXPECT_EQ(approvals_needed(default_limits(Tier::kAutonomous), false), 0);
  EXPECT_EQ(approvals_needed(default_limits(Tier::kAutonomous), true), 1);
  EXPECT_EQ(approvals_needed(default_limits(Tier::kObserve), true), 2);
}

}  // namespace
}  // namespace corral::routing
