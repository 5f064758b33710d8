#include "routing/agent_choice.h"

#include <gtest/gtest.h>

namespace corral::routing {
namespace {

Kpis record(double lower, double rollback_upper, double samples) {
  Kpis kpis;
  kpis.success_lower = lower;
  kpis.rollback_upper = rollback_upper;
  kpis.samples = samples;
  return kpis;
}

TEST(AgentChoice, PrefersTheBetterRecord) {
  std::map<std::string, Kpis> records = {{"claude", record(0.9, 0.05, 80)}, {"codex", record(0.7, 0.1, 60)}};
  auto choice = choose_agent({"codex", "claude"}, records, false, 0.0, 0.1);
  EXPECT_EQ(choice.agent, "claude");
  EXPECT_EQ(choice.rule, "best record");
  EXPECT_NE(choice.reason.find("codex: success lower bound 0.70"), std::string::npos) << choice.reason;
}

TEST(AgentChoice, NewerProfilesGetABoundedShareOfLowRiskTasksOnly) {
  std::map<std::string, Kpis> records = {{"claude", record(0.9, 0.05, 80)}, {"gemini", record(0, 1, 1)}};
  int explored = 0, risky_explored = 0;
  for (int i = 0; i < 1000; ++i) {
    double draw = i / 1000.0;
    explored += choose_agent({"claude", "gemini"}, records, true, draw, 0.1).agent == "gemini";
    risky_explored += choose_agent({"claude", "gemini"}, records, false, draw, 0.1).agent == "gemini";
  }
  EXPECT_EQ(explored, 100);
  EXPECT_EQ(risky_explored, 0);
  EXPECT_EQ(choose_agent({"claude", "gemini"}, records, true, 0.05, 0.1).rule, "exploring a newer profile");
}

TEST(AgentChoice, NoRecordsAtAllPicksTheFirstAndOneProfileIsTheOnlyChoice) {
  EXPECT_EQ(choose_agent({"a", "b"}, {}, false, 0.5, 0.1).agent, "a");
  EXPECT_EQ(choose_agent({"only"}, {}, true, 0.0, 0.5).rule, "only profile");
}

}  // namespace
}  // namespace corral::routing
