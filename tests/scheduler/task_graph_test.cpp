#include "scheduler/task_graph.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace corral::scheduler {
namespace {

TEST(TaskGraph, AcceptsADag) {
  ParentMap parents = {{"a", {}}, {"b", {"a"}}, {"c", {"a"}}, {"d", {"b", "c"}}};
  EXPECT_TRUE(check_dag(parents).is_ok());
}

TEST(TaskGraph, RejectsACycleAndNamesIt) {
  ParentMap parents = {{"a", {"c"}}, {"b", {"a"}}, {"c", {"b"}}, {"unrelated", {}}};
  Status status = check_dag(parents);
  ASSERT_FALSE(status.is_ok());
  EXPECT_EQ(status.code(), Code::kInvalidArgument);
  const std::string& message = status.message();
  EXPECT_NE(message.find("cycle"), std::string::npos);
  // Whichever task the walk starts from, the cycle is named in order.
  bool named = message.find("a -> b -> c -> a") != std::string::npos ||
               message.find("b -> c -> a -> b") != std::string::npos ||
               message.find("c -> a -> b -> c") != std::string::npos;
  EXPECT_TRUE(named) << message;
  EXPECT_EQ(message.find("unrelated"), std::string::npos) << "tasks outside the cycle are not named";
}

TEST(TaskGraph, RejectsATaskThatBuildsOnItself) {
  Status status = check_dag({{"a", {"a"}}});
  ASSERT_FALSE(status.is_ok());
  EXPECT_NE(status.message().find("a -> a"), std::string::npos) << status.message();
}

TEST(TaskGraph, RejectsAnUnknownParent) {
  Status status = check_dag({{"a", {"ghost"}}});
  ASSERT_FALSE(status.is_ok());
  EXPECT_NE(status.message().find("builds on ghost, which does not exist"), std::string::npos);
}

TEST(TaskGraph, DependentsAreEveryDescendantOnce) {
  ParentMap parents = {{"a", {}}, {"b", {"a"}}, {"c", {"a"}}, {"d", {"b", "c"}}, {"e", {"d"}}, {"x", {}}};
  EXPECT_EQ(dependents_of(parents, "a"), (std::vector<std::string>{"b", "c", "d", "e"}));
  EXPECT_EQ(dependents_of(parents, "d"), (std::vector<std::string>{"e"}));
  EXPECT_TRUE(dependents_of(parents, "x").empty());
}

TEST(TaskGraph, ALongChainIsFine) {
  ParentMap parents = {{"t0", {}}};
  for (int i = 1; i < 10000; ++i) parents["t" + std::to_string(i)] = {"t" + std::to_string(i - 1)};
  EXPECT_TRUE(check_dag(parents).is_ok());
  parents["t0"] = {"t9999"};
  EXPECT_FALSE(check_dag(parents).is_ok());
}

TEST(TaskGraph, ParentsFirstKeepsAnOrderThatIsAlreadyRight) {
  std::vector<std::string> tasks = {"a", "b", "c", "d"};
  ParentMap parents = {{"c", {"a"}}, {"d", {"c", "b"}}};
  EXPECT_EQ(*parents_first(tasks, parents), tasks);
  EXPECT_EQ(*parents_first({"z", "y", "x"}, {}), (std::vector<std::string>{"z", "y", "x"})) << "no edges: as given";
}

TEST(TaskGraph, ParentsFirstMovesEachTaskAfterItsParents) {
  auto order = parents_first({"child", "grandchild", "other", "parent"},
                             {{"child", {"parent"}}, {"grandchild", {"child", "elsewhere"}}});
  ASSERT_TRUE(order.is_ok());
  auto at = [&](const std::string& task) { return std::find(order->begin(), order->end(), task) - order->begin(); };
  EXPECT_EQ(order->size(), 4u) << "a parent outside the list is ignored, not added";
  EXPECT_LT(at("parent"), at("child"));
  EXPECT_LT(at("child"), at("grandchild"));
}

TEST(TaskGraph, ParentsFirstRefusesACycle) {
  auto order = parents_first({"a", "b"}, {{"a", {"b"}}, {"b", {"a"}}});
  ASSERT_FALSE(order.is_ok());
  EXPECT_EQ(order.status().code(), Code::kInvalidArgument);
}

}  // namespace
}  // namespace corral::scheduler
