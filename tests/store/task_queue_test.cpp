#include "store/task_queue.h"
#include <algorithm>

#include <gtest/gtest.h>

#include "store/records.h"
#include "tests/support/test_support.h"

namespace corral::store {
namespace {

class TaskQueueTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = std::move(*Database::open(dir_ / "corral.db"));
    queue_ = std::make_unique<TaskQueue>(*db_, clock_);
    repo_ = Records(*db_, clock_).ensure_repo("/src/repo", [](const std::string& id) { return id; })->id;
  }

  NewTask task(const std::string& id, std::vector<std::string> parents = {}, const std::string& key = "") {
    NewTask t;
    t.id = id;
    t.repo_id = repo_;
    t.prompt = "do " + id;
    t.agent = "agent";
    t.parents = std::move(parents);
    t.idempotency_key = key;
    return t;
  }

  testing::TempDir dir_;
  SystemClock clock_;
  std::unique_ptr<Database> db_;
  std::unique_ptr<TaskQueue> queue_;
  std::string repo_;
};

TEST_F(TaskQueueTest, SubmitsInOrderWithParents) {
  auto submitted = queue_->submit({task("t-a"), task("t-b", {"t-a"})});
  ASSERT_TRUE(submitted.is_ok()) << submitted.status().to_string();
  EXPECT_TRUE((*submitted)[1].created);
  auto b = queue_->find("t-b");
  ASSERT_TRUE(b.is_ok() && *b);
  EXPECT_EQ((*b)->parents, std::vector<std::string>{"t-a"});
  EXPECT_EQ((*b)->state, TaskState::kQueued);
  EXPECT_LT((*queue_->find("t-a"))->seq, (*b)->seq);
}

TEST_F(TaskQueueTest, KeepsATasksOwnBudget) {
  NewTask budgeted = task("t-a");
  budgeted.budget_tokens = 50000;
  budgeted.budget_calls = 12;
  ASSERT_TRUE(queue_->submit({budgeted, task("t-b")}).is_ok());
  auto found = queue_->find("t-a");
  ASSERT_TRUE(found.is_ok() && *found);
  EXPECT_EQ((*found)->budget_tokens, 50000);
  EXPECT_EQ((*found)->budget_calls, 12);
  auto other = queue_->find("t-b");
  EXPECT_EQ((*other)->budget_tokens, 0) << "none unless asked for";
}

TEST_F(TaskQueueTest, AnIdempotencyKeyReturnsTheStoredTask) {
  ASSERT_TRUE(queue_->submit({task("t-a", {}, "key")}).is_ok());
  auto again = queue_->submit({task("t-other", {}, "key")});
  ASSERT_TRUE(again.is_ok());
  EXPECT_FALSE((*again)[0].created);
  EXPECT_EQ((*again)[0].task.id, "t-a");
  EXPECT_FALSE(*queue_->find("t-other"));
}

TEST_F(TaskQueueTest, ABatchWithAMissingParentWritesNothing) {
  auto submitted = queue_->submit({task("t-a"), task("t-b", {"t-ghost"})});
  ASSERT_FALSE(submitted.is_ok());
  EXPECT_EQ(submitted.status().code(), Code::kNotFound);
  EXPECT_FALSE(*queue_->find("t-a")) << "all or nothing";
}

TEST_F(TaskQueueTest, TransitionsAreCompareAndSwap) {
  ASSERT_TRUE(queue_->submit({task("t-a")}).is_ok());
  ASSERT_TRUE(queue_->transition("t-a", {TaskState::kQueued}, TaskState::kRunning, "").is_ok());
  Status twice = queue_->transition("t-a", {TaskState::kQueued}, TaskState::kRunning, "");
  EXPECT_EQ(twice.code(), Code::kFailedPrecondition) << "a task never starts twice";
  EXPECT_NE(twice.message().find("is running"), std::string::npos);
  EXPECT_EQ(queue_->transition("t-missing", {TaskState::kQueued}, TaskState::kRunning, "").code(), Code::kNotFound);
  ASSERT_TRUE(queue_->transition("t-a", {TaskState::kRunning}, TaskState::kFailed, "agent exited").is_ok());
  EXPECT_EQ((*queue_->find("t-a"))->reason, "agent exited");
}

TEST_F(TaskQueueTest, AMoveTheStateTableDoesNotAllowIsRefusedAndChangesNothing) {
  ASSERT_TRUE(queue_->submit({task("t-a")}).is_ok());
  Status skipped = queue_->transition("t-a", {TaskState::kQueued}, TaskState::kMerged, "");
  EXPECT_EQ(skipped.code(), Code::kInternal);
  EXPECT_NE(skipped.message().find("never moves from queued to merged"), std::string::npos) << skipped.message();
  EXPECT_EQ((*queue_->find("t-a"))->state, TaskState::kQueued);
}

// A scheduling pass reads the running tasks, the queued ones a parent blocks,
// a page of the best candidates and their parents; never the tasks waiting
// on a parent still running, nor candidates past the page.
TEST_F(TaskQueueTest, ASchedulingSnapshotReadsOnlyWhatAPassDecidesOn) {
  NewTask high = task("t-high");
  high.priority = 5;
  NewTask other_agent = task("t-x");
  other_agent.agent = "other";
  ASSERT_TRUE(queue_
                  ->submit({task("t-run"), task("t-done"), task("t-child", {"t-done"}), task("t-bad"),
                            task("t-blocked", {"t-bad"}), task("t-wait", {"t-run"}), task("t-low"), high, other_agent})
                  .is_ok());
  for (const char* id : {"t-run", "t-done", "t-bad"}) {
    ASSERT_TRUE(queue_->transition(id, {TaskState::kQueued}, TaskState::kRunning, "").is_ok());
  }
  ASSERT_TRUE(queue_->transition("t-done", {TaskState::kRunning}, TaskState::kSucceeded, "").is_ok());
  ASSERT_TRUE(queue_->transition("t-bad", {TaskState::kRunning}, TaskState::kFailed, "").is_ok());

  auto ids = [&](const CandidateFilter& filter) {
    std::vector<std::string> out;
    auto snapshot = queue_->scheduling_snapshot(filter);
    EXPECT_TRUE(snapshot.is_ok()) << snapshot.status().to_string();
    if (!snapshot.is_ok()) return out;
    for (const auto& t : *snapshot) out.push_back(t.id);
    return out;
  };
  EXPECT_EQ(ids({{}, {"other"}, {"t-low"}, 2}),
            (std::vector<std::string>{"t-run", "t-done", "t-child", "t-bad", "t-blocked", "t-high"}))
      << "the first two candidates by priority then submission (t-low excluded, t-x's agent full), the blocked "
         "task and the parents of both";
  EXPECT_EQ(ids({{}, {}, {}, 1}), (std::vector<std::string>{"t-run", "t-bad", "t-blocked", "t-high"}));
  EXPECT_EQ(ids({{repo_}, {}, {}, 10}), (std::vector<std::string>{"t-run", "t-bad", "t-blocked"}))
      << "a full repository's queue is not read";
  auto snapshot = queue_->scheduling_snapshot({{}, {}, {}, 10});
  auto child = std::find_if(snapshot->begin(), snapshot->end(), [](const auto& t) { return t.id == "t-child"; });
  ASSERT_NE(child, snapshot->end());
  EXPECT_EQ(child->parents, std::vector<std::string>{"t-done"});
  EXPECT_EQ(queue_->running_tasks()->size(), 1u);
}

TEST_F(TaskQueueTest, ListsByRepositoryAndState) {
  ASSERT_TRUE(queue_->submit({task("t-a"), task("t-b")}).is_ok());
  ASSERT_TRUE(queue_->transition("t-b", {TaskState::kQueued}, TaskState::kCancelled, "").is_ok());
  EXPECT_EQ(queue_->list({"", std::nullopt, 100})->size(), 2u);
  EXPECT_EQ(queue_->list({"", TaskState::kCancelled, 100})->size(), 1u);
  EXPECT_EQ(queue_->list({"repo-other", std::nullopt, 100})->size(), 0u);
  EXPECT_EQ(queue_->list({"", std::nullopt, 1})->size(), 1u);
}

}  // namespace
}  // namespace corral::store
