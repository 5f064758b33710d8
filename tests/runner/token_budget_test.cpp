#include "runner/gateways/token_budget.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace corral::runner {
namespace {

TEST(TokenBudget, WarnsAtEightyPercentOnceThenReportsExceededOnce) {
  TokenBudget budget("task", {1000, 0});
  EXPECT_EQ(budget.charge({700, 50, 0, 0}), BudgetCrossing::kNone);
  EXPECT_EQ(budget.charge({40, 20, 0, 0}), BudgetCrossing::kWarning);  // 810
  EXPECT_EQ(budget.charge({10, 0, 0, 0}), BudgetCrossing::kNone);
  EXPECT_FALSE(budget.exceeded());
  EXPECT_EQ(budget.charge({100, 90, 0, 0}), BudgetCrossing::kExceeded);
  EXPECT_TRUE(budget.exceeded());
  EXPECT_EQ(budget.charge({1, 1, 0, 0}), BudgetCrossing::kNone) << "reported once";
  EXPECT_EQ(budget.tokens_used(), 1012);
  EXPECT_EQ(budget.calls_used(), 5);
}

TEST(TokenBudget, CallsCountAndZeroMeansNoLimit) {
  TokenBudget calls("repository_day", {0, 2}, 0, 1);  // one call already made today
  EXPECT_FALSE(calls.exceeded());
  EXPECT_EQ(calls.charge({1000000, 0, 0, 0}), BudgetCrossing::kExceeded) << "tokens are unlimited, calls are not";
  TokenBudget unlimited("task", {0, 0});
  for (int i = 0; i < 100; ++i) EXPECT_EQ(unlimited.charge({1000, 1000, 0, 0}), BudgetCrossing::kNone);
  EXPECT_FALSE(unlimited.exceeded());
}

TEST(TokenBudget, ConcurrentRunsShareOneBudgetExactly) {
  TokenBudget shared("repository_day", {0, 1000});
  std::vector<std::thread> runs;
  std::atomic<int> exceeded{0};
  for (int r = 0; r < 4; ++r) {
    runs.emplace_back([&] {
      for (int i = 0; i < 300; ++i) {
        if (shared.charge({1, 1, 0, 0}) == BudgetCrossing::kExceeded) ++exceeded;
      }
    });
  }
  for (auto& run : runs) run.join();
  EXPECT_EQ(shared.calls_used(), 1200);
  EXPECT_EQ(exceeded.load(), 1);
}

}  // namespace
}  // namespace corral::runner
