// A merge queue's order and its backoff, as tables: pure functions.
#include "merge/queue_order.h"

#include <gtest/gtest.h>

#include "merge/merge_queues.h"

namespace corral::merge {
namespace {

using store::TaskState;

QueueTask approved(const std::string& id, const std::string& at, int priority = 0,
                   std::vector<std::string> parents = {}) {
  return {id, true, priority, at, 0, std::move(parents), "", ""};
}
QueueTask in_review(const std::string& id, int64_t seq, int priority = 0, std::vector<std::string> parents = {}) {
  return {id, false, priority, "", seq, std::move(parents), "", ""};
}

std::string order_of(const std::vector<QueuePlace>& places) {
  std::string out;
  for (const QueuePlace& place : places) out += (out.empty() ? "" : " ") + place.task.id + (place.ready ? "" : "?");
  return out;
}

TEST(QueueOrder, ApprovedFirstByPriorityThenApprovalTimeAndUnapprovedAfter) {
  struct Case {
    const char* name;
    std::vector<QueueTask> tasks;
    std::map<std::string, TaskState> outside;
    const char* order;  // "?" marks a task that is not ready
  };
  const Case kCases[] = {
      {"first approved, first merged",
       {approved("b", "2026-12-01T10:00:02Z"), approved("a", "2026-12-01T10:00:01Z")},
       {},
       "a b"},
      {"priority moves an approved task ahead",
       {approved("a", "2026-12-01T10:00:01Z"), approved("b", "2026-12-01T10:00:02Z", 5)},
       {},
       "b a"},
      {"never ahead of approved ones when unapproved, whatever its priority",
       {in_review("r", 1, 9), approved("a", "2026-12-01T10:00:01Z")},
       {},
       "a r?"},
      {"never ahead of its parent, whatever its priority",
       {approved("p", "2026-12-01T10:00:05Z"), approved("c", "2026-12-01T10:00:01Z", 9, {"p"}),
        approved("x", "2026-12-01T10:00:02Z")},
       {},
       "x p c"},
      {"a child of a task in review waits behind it",
       {in_review("p", 1), approved("c", "2026-12-01T10:00:01Z", 0, {"p"}), approved("x", "2026-12-01T10:00:02Z")},
       {},
       "x p? c?"},
      {"a parent merged already does not hold it",
       {approved("c", "2026-12-01T10:00:01Z", 0, {"m"})},
       {{"m", TaskState::kMerged}},
       "c"},
      {"a parent still running does",
       {approved("c", "2026-12-01T10:00:01Z", 0, {"m"})},
       {{"m", TaskState::kRunning}},
       "c?"},
      {"a stack keeps its order",
       {approved("c3", "t1", 0, {"c2"}), approved("c2", "t2", 0, {"c1"}), approved("c1", "t3")},
       {},
       "c1 c2 c3"},
  };
  for (const Case& test : kCases) EXPECT_EQ(order_of(order_queue(test.tasks, test.outside)), test.order) << test.name;
}

TEST(QueueOrder, SaysWhyATaskWaitsAndWhichAreToBeHeld) {
  QueueTask switched = approved("s", "t1");
  switched.switched_off = "the repo kill switch holds merges (incident)";
  auto places = order_queue({switched, approved("h", "t2", 0, {"gone"}), in_review("r", 3, 0, {"s"})},
                            {{"gone", TaskState::kConflicted}});
  ASSERT_EQ(places.size(), 3u);
  EXPECT_EQ(places[0].waits, "the repo kill switch holds merges (incident)");
  EXPECT_FALSE(places[0].ready);
  EXPECT_EQ(places[1].hold_reason, "parent gone in conflict: its work is not on the branch");
  EXPECT_EQ(places[2].waits, "awaits approval; parent s is not ready");
}

TEST(QueueBackoff, DoublesFromTheFirstDelayWithJitterUpToTheMost) {
  QueueBackoff backoff{std::chrono::milliseconds(1000), std::chrono::milliseconds(10000), 5};
  EXPECT_EQ(backoff_delay(backoff, 1, 0.999).count(), 999);
  EXPECT_EQ(backoff_delay(backoff, 1, 0).count(), 500) << "at least half";
  EXPECT_EQ(backoff_delay(backoff, 3, 0.999).count(), 3998);
  EXPECT_EQ(backoff_delay(backoff, 30, 0.999).count(), 9995) << "never above the most";
}

}  // namespace
}  // namespace corral::merge
