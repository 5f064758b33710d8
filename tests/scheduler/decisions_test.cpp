#include "scheduler/decisions.h"

#include <gtest/gtest.h>

namespace corral::scheduler {
namespace {

TaskView task(const std::string& id, store::TaskState state = store::TaskState::kQueued,
              std::vector<std::string> parents = {}, int priority = 0, const std::string& repo = "r1",
              const std::string& agent = "a1") {
  static int64_t sequence = 0;
  return {id, repo, agent, priority, ++sequence, state, std::move(parents)};
}

std::vector<std::string> started(const std::vector<Decision>& decisions) {
  std::vector<std::string> ids;
  for (const Decision& d : decisions)
    if (d.kind == Decision::Kind::kStart) ids.push_back(d.task);
  return ids;
}

const Decision* decision_for(const std::vector<Decision>& decisions, const std::string& id) {
  for (const Decision& d : decisions)
    if (d.task == id) return &d;
  return nullptr;
}

TEST(Scheduler, StartsByPriorityThenSubmissionOrderWithinTheGlobalCap) {
  std::vector<TaskView> tasks = {task("low1"), task("high", store::TaskState::kQueued, {}, 5), task("low2"),
                                 task("mid", store::TaskState::kQueued, {}, 1)};
  for (auto& t : tasks) t.repo = "repo-" + t.id;  // no per-repo limit in play
  Caps caps{3, 10, 10};
  EXPECT_EQ(started(schedule(tasks, caps)), (std::vector<std::string>{"high", "mid", "low1"}));
}

TEST(Scheduler, RunningTasksCountAgainstEveryCap) {
  std::vector<TaskView> tasks = {task("busy", store::TaskState::kRunning, {}, 0, "r1", "a1"),
                                 task("same-repo", store::TaskState::kQueued, {}, 0, "r1", "a2"),
                                 task("same-agent", store::TaskState::kQueued, {}, 0, "r2", "a1"),
                                 task("free", store::TaskState::kQueued, {}, 0, "r3", "a3")};
  EXPECT_EQ(started(schedule(tasks, {10, 1, 10})), (std::vector<std::string>{"same-agent", "free"}));
  EXPECT_EQ(started(schedule(tasks, {10, 10, 1})), (std::vector<std::string>{"same-repo", "free"}));
  EXPECT_EQ(started(schedule(tasks, {1, 10, 10})), std::vector<std::string>{});
}

TEST(Scheduler, AStackedTaskWaitsForItsParentThenStartsFromItsBranch) {
  std::vector<TaskView> tasks = {task("parent", store::TaskState::kRunning),
                                 task("child", store::TaskState::kQueued, {"parent"})};
  EXPECT_TRUE(started(schedule(tasks, {})).empty());
  tasks[0].state = store::TaskState::kSucceeded;
  auto decisions = schedule(tasks, {});
  ASSERT_EQ(started(decisions), std::vector<std::string>{"child"});
  EXPECT_EQ(decision_for(decisions, "child")->base_task, "parent");
}

TEST(Scheduler, AFailedParentHoldsEveryDescendantWithAReason) {
  for (store::TaskState bad : {store::TaskState::kFailed, store::TaskState::kRejected, store::TaskState::kRolledBack,
                               store::TaskState::kCancelled}) {
    std::vector<TaskView> tasks = {task("p", bad), task("c", store::TaskState::kQueued, {"p"}),
                                   task("g", store::TaskState::kQueued, {"c"}), task("other")};
    auto decisions = schedule(tasks, {});
    ASSERT_NE(decision_for(decisions, "c"), nullptr);
    EXPECT_EQ(decision_for(decisions, "c")->kind, Decision::Kind::kHold);
    EXPECT_EQ(decision_for(decisions, "c")->reason, std::string("parent p ") + store::state_name(bad));
    ASSERT_NE(decision_for(decisions, "g"), nullptr) << "held in the same pass, not one generation per pass";
    EXPECT_EQ(decision_for(decisions, "g")->kind, Decision::Kind::kHold);
    EXPECT_NE(decision_for(decisions, "g")->reason.find("parent p"), std::string::npos);
    EXPECT_EQ(started(decisions), std::vector<std::string>{"other"});
  }
}

TEST(Scheduler, WaitsForEveryParent) {
  std::vector<TaskView> tasks = {task("a", store::TaskState::kSucceeded), task("b", store::TaskState::kRunning),
                                 task("c", store::TaskState::kQueued, {"a", "b"})};
  EXPECT_TRUE(schedule(tasks, {}).empty());
  tasks[1].state = store::TaskState::kSucceeded;
  auto decisions = schedule(tasks, {});
  EXPECT_EQ(decision_for(decisions, "c")->base_task, "a");
}

TEST(Scheduler, NeverStartsWhatIsNotQueued) {
  std::vector<TaskView> tasks = {task("r", store::TaskState::kRunning), task("s", store::TaskState::kSucceeded),
                                 task("h", store::TaskState::kHeld), task("x", store::TaskState::kCancelled)};
  EXPECT_TRUE(schedule(tasks, {}).empty());
}

TEST(Scheduler, TenThousandQueuedTasksAreDecidedInOnePass) {
  std::vector<TaskView> tasks;
  for (int i = 0; i < 10000; ++i) {
    tasks.push_back(task("t" + std::to_string(i), store::TaskState::kQueued, {}, i % 7, "repo" + std::to_string(i % 50),
                         "agent" + std::to_string(i % 3)));
  }
  auto decisions = schedule(tasks, {100, 2, 100});
  EXPECT_EQ(started(decisions).size(), 100u);
}

}  // namespace
}  // namespace corral::scheduler
