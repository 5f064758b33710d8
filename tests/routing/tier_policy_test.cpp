#include "routing/tier_policy.h"

#include <gtest/gtest.h>

#include <random>

namespace corral::routing {
namespace {

using std::chrono::hours;

constexpr OutcomeKind kFailures[] = {OutcomeKind::kRejected, OutcomeKind::kChecksFailed, OutcomeKind::kRefused,
                                     OutcomeKind::kRunFailed};

TimePoint at(int hour) { return TimePoint{} + hours(24 * 365 * 50) + hours(hour); }

// A history of `length` outcomes an hour apart: merges with probability
// `success`, else a failure; every merge may be rolled back later.
std::vector<Outcome> generate(std::mt19937& random, int length, double success, double rollback = 0) {
  std::uniform_real_distribution<double> coin(0, 1);
  std::vector<Outcome> history;
  std::vector<std::string> merged;
  for (int i = 0; i < length; ++i) {
    std::string task = "t" + std::to_string(i);
    if (!merged.empty() && coin(random) < rollback) {
      history.push_back({OutcomeKind::kRolledBack, at(i), merged.back(), "a"});
      merged.pop_back();
    } else if (coin(random) < success) {
      history.push_back({OutcomeKind::kMerged, at(i), task, "a"});
      merged.push_back(task);
    } else {
      history.push_back({kFailures[i % 4], at(i), task, "a"});
    }
  }
  return history;
}

int rank(Tier tier) { return static_cast<int>(tier); }
Tier final_tier(const std::vector<Outcome>& history, const RoutingSettings& settings) {
  auto steps = replay(history, settings);
  return steps.empty() ? Tier::kObserve : steps.back().decision.to;
}

TEST(TierPolicy, ANewRepositoryStartsAtObserveAndASteadyRecordClimbsOneTierAtATime) {
  std::vector<Outcome> history;
  for (int i = 0; i < 120; ++i) history.push_back({OutcomeKind::kMerged, at(i), "t" + std::to_string(i), "a"});
  auto steps = replay(history, default_routing_settings());
  EXPECT_EQ(steps.front().decision.to, Tier::kObserve) << "one merge is not evidence";
  Tier previous = Tier::kObserve;
  int promotions = 0;
  for (const auto& step : steps) {
    EXPECT_LE(rank(step.decision.to) - rank(previous), 1);
    promotions += step.decision.changed();
    previous = step.decision.to;
  }
  EXPECT_EQ(previous, Tier::kAutonomous);
  EXPECT_EQ(promotions, 3);
  // Six clean merges still leave a rollback upper bound of 0.31 (> 0.30): the seventh promotes.
  EXPECT_EQ(steps[5].decision.to, Tier::kObserve) << steps[5].decision.reason();
  EXPECT_EQ(steps[6].decision.to, Tier::kSupervised) << steps[6].decision.reason();
}

TEST(TierPolicy, EveryDecisionSaysWhyWithTheNumbers) {
  std::vector<Outcome> history = {{OutcomeKind::kMerged, at(0), "t0", "a"}};
  auto step = replay(history, default_routing_settings()).back();
  EXPECT_EQ(step.decision.rule_name(), "held: not enough evidence");
  EXPECT_NE(step.decision.reason().find("success 1.00 (lower bound 0.27)"), std::string::npos)
      << step.decision.reason();
  EXPECT_NE(step.decision.reason().find("supervised needs lower bound >= 0.60"), std::string::npos);
}

// Properties over generated histories.
class TierProperties : public ::testing::TestWithParam<int> {};

TEST_P(TierProperties, MoreSuccessesNeverLowerATier) {
  std::mt19937 random(GetParam());
  auto history = generate(random, 80, 0.85, 0.02);
  RoutingSettings settings = default_routing_settings();
  for (size_t i = 0; i < history.size(); ++i) {
    if (history[i].kind == OutcomeKind::kMerged || history[i].kind == OutcomeKind::kRolledBack) continue;
    std::vector<Outcome> better = history;
    better[i].kind = OutcomeKind::kMerged;
    auto worse_steps = replay(history, settings);
    auto better_steps = replay(better, settings);
    for (size_t k = 0; k < history.size(); ++k) {
      ASSERT_GE(rank(better_steps[k].decision.to), rank(worse_steps[k].decision.to))
          << "seed " << GetParam() << ", failure " << i << " made a merge, step " << k;
    }
  }
}

TEST_P(TierProperties, AMergeNeverLowersAndARollbackNeverRaises) {
  std::mt19937 random(GetParam());
  auto history = generate(random, 150, 0.8, 0.05);
  for (const auto& step : replay(history, default_routing_settings())) {
    if (step.outcome.kind == OutcomeKind::kMerged) EXPECT_GE(rank(step.decision.to), rank(step.decision.from));
    if (step.outcome.kind == OutcomeKind::kRolledBack) {
      EXPECT_LE(rank(step.decision.to), rank(step.decision.from));
      if (step.decision.from != Tier::kObserve) EXPECT_EQ(step.decision.rule_name(), "demoted: rollback");
    }
  }
}

TEST_P(TierProperties, APinnedTierNeverMovesAndACapIsNeverExceeded) {
  std::mt19937 random(GetParam());
  auto history = generate(random, 150, 0.9, 0.03);
  RoutingSettings pinned = default_routing_settings();
  pinned.pin = Tier::kTrusted;
  for (const auto& step : replay(history, pinned)) ASSERT_EQ(step.decision.to, Tier::kTrusted);
  RoutingSettings capped = default_routing_settings();
  capped.cap = Tier::kSupervised;
  for (const auto& step : replay(history, capped)) ASSERT_LE(rank(step.decision.to), rank(Tier::kSupervised));
}

TEST_P(TierProperties, NoFlappingWhenOutcomesAlternateInsideTheBand) {
  // k merges then one failure, repeated: long-run rates from 0.67 to 0.9.
  int merges_per_failure = 2 + GetParam() % 8;
  std::vector<Outcome> history;
  for (int i = 0; i < 400; ++i) {
    bool fail = i % (merges_per_failure + 1) == merges_per_failure;
    history.push_back({fail ? OutcomeKind::kRejected : OutcomeKind::kMerged, at(i), "t" + std::to_string(i), "a"});
  }
  int changes = 0, demotions = 0;
  for (const auto& step : replay(history, default_routing_settings())) {
    changes += step.decision.changed();
    demotions += rank(step.decision.to) < rank(step.decision.from);
  }
  EXPECT_EQ(demotions, 0) << merges_per_failure << " merges per failure";
  EXPECT_LE(changes, 3);
}

INSTANTIATE_TEST_SUITE_P(Seeds, TierProperties, ::testing::Range(1, 41));

TEST(TierPolicy, ARefusedForcePushDemotesAtOnce) {
  RoutingSettings settings = default_routing_settings();
  TierState state{Tier::kTrusted, 12};
  Kpis strong;
  strong.samples = 100;
  strong.success_lower = 0.95;
  auto decision = next_tier(state, strong, {OutcomeKind::kForcePushRefused, at(0), "", ""}, settings);
  EXPECT_EQ(decision.to, Tier::kSupervised);
  EXPECT_EQ(decision.rule_name(), "demoted: refused force-push");
}

TEST(TierPolicy, ThePromotionGapNeedsEvidenceSinceTheLastChange) {
  RoutingSettings settings = default_routing_settings();
  Kpis strong;
  strong.samples = 100;
  strong.success_lower = 0.99;
  strong.rollback_upper = 0.01;
  Outcome merge{OutcomeKind::kMerged, at(0), "t", "a"};
  EXPECT_EQ(next_tier({Tier::kSupervised, 0}, strong, merge, settings).rule_name(), "held: promotion gap");
  EXPECT_EQ(next_tier({Tier::kSupervised, 4}, strong, merge, settings).to, Tier::kTrusted);
}

TEST(TierPolicy, ARollbackOutsideTheWindowDemotesNothing) {
  RoutingSettings settings = default_routing_settings();
  settings.rollback_window = hours(24);
  settings.thresholds[Tier::kSupervised] = {0.2, 0.9, 1};
  settings.promotion_gap = 1;
  std::vector<Outcome> history = {{OutcomeKind::kMerged, at(0), "a", "x"},
                                  {OutcomeKind::kRolledBack, at(48), "a", "x"}};
  auto steps = replay(history, settings);
  EXPECT_EQ(steps[0].decision.to, Tier::kSupervised);
  EXPECT_EQ(steps[1].decision.to, Tier::kSupervised);
  EXPECT_EQ(steps[1].decision.rule_name(), "ignored: rollback outside the window");
  settings.rollback_window = hours(72);
  EXPECT_EQ(replay(history, settings)[1].decision.rule_name(), "demoted: rollback");
}

}  // namespace
}  // namespace corral::routing
