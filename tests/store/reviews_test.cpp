#include "store/reviews.h"

#include <gtest/gtest.h>

#include "store/merges.h"
#include "store/records.h"
#include "store/task_queue.h"
#include "tests/support/test_support.h"

namespace corral::store {
namespace {

class CommitRecordsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = std::move(*Database::open(dir_ / "corral.db"));
    repo_ = Records(*db_, clock_).ensure_repo("/src/repo", [](const std::string& id) { return id; })->id;
    NewTask task;
    task.id = "t-1";
    task.repo_id = repo_;
    task.prompt = "p";
    task.agent = "a";
    task.target_branch = "release/2";
    ASSERT_TRUE(TaskQueue(*db_, clock_).submit({task}).is_ok());
  }
  ReviewRecord review(const std::string& hash) {
    return {"t-1", "r-1", hash, "base", "head", "needs_approval", 2, R"([{"rule":"size"}])", ""};
  }

  testing::TempDir dir_;
  SystemClock clock_;
  std::unique_ptr<Database> db_;
  std::string repo_;
};

TEST_F(CommitRecordsTest, TheTargetBranchIsKeptWithTheTask) {
  EXPECT_EQ((*TaskQueue(*db_, clock_).find("t-1"))->target_branch, "release/2");
}

TEST_F(CommitRecordsTest, ANewDiffReplacesTheReviewAndOldVerdictsStayWithTheOldHash) {
  Reviews reviews(*db_, clock_);
  ASSERT_TRUE(reviews.put(review("hash-1")).is_ok());
  ASSERT_TRUE(reviews.add_verdict({"t-1", "hash-1", "alice", "approved", "", ""}).is_ok());
  ASSERT_TRUE(reviews.put(review("hash-2")).is_ok());
  auto found = reviews.find("t-1");
  ASSERT_TRUE(found.is_ok() && *found);
  EXPECT_EQ((*found)->diff_hash, "hash-2");
  EXPECT_EQ((*found)->approvals_required, 2);
  EXPECT_EQ(reviews.verdicts("t-1", "hash-2")->size(), 0u);
  EXPECT_EQ(reviews.verdicts("t-1", "hash-1")->size(), 1u);
}

TEST_F(CommitRecordsTest, AReviewerJudgesADiffOnce) {
  Reviews reviews(*db_, clock_);
  ASSERT_TRUE(reviews.put(review("hash-1")).is_ok());
  ASSERT_TRUE(reviews.add_verdict({"t-1", "hash-1", "alice", "approved", "", ""}).is_ok());
  EXPECT_EQ(reviews.add_verdict({"t-1", "hash-1", "alice", "approved", "", ""}).code(), Code::kAlreadyExists);
  EXPECT_TRUE(reviews.add_verdict({"t-1", "hash-1", "bob", "rejected", "too big", ""}).is_ok());
  auto verdicts = reviews.verdicts("t-1", "hash-1");
  ASSERT_EQ(verdicts->size(), 2u);
  EXPECT_EQ((*verdicts)[1].reason, "too big");
}

TEST_F(CommitRecordsTest, ReviewsAreListedByTheirTasksState) {
  Reviews reviews(*db_, clock_);
  ASSERT_TRUE(reviews.put(review("hash-1")).is_ok());
  EXPECT_EQ(reviews.of_tasks_in("review", "")->size(), 0u);
  TaskQueue queue(*db_, clock_);
  for (auto [from, to] :
       {std::pair{TaskState::kQueued, TaskState::kRunning}, std::pair{TaskState::kRunning, TaskState::kSucceeded},
        std::pair{TaskState::kSucceeded, TaskState::kReview}}) {
    ASSERT_TRUE(queue.transition("t-1", {from}, to, "").is_ok());
  }
  EXPECT_EQ(reviews.of_tasks_in("review", "")->size(), 1u);
  EXPECT_EQ(reviews.of_tasks_in("review", repo_)->size(), 1u);
  EXPECT_EQ(reviews.of_tasks_in("review", "other-repo")->size(), 0u);
}

TEST_F(CommitRecordsTest, AMergeRecordIsOpenedOnceAndCountsAttempts) {
  MergeLog merges(*db_, clock_);
  auto opened = merges.open("t-1", repo_, "main");
  ASSERT_TRUE(opened.is_ok());
  EXPECT_EQ(opened->state, MergeState::kPending);
  ASSERT_TRUE(merges.set("t-1", MergeState::kPrepared, "old", "new").is_ok());
  EXPECT_EQ(merges.open("t-1", repo_, "main")->state, MergeState::kPrepared);  // never reset by a second open
  ASSERT_TRUE(merges.set("t-1", MergeState::kPending, "", "").is_ok());
  ASSERT_TRUE(merges.set("t-1", MergeState::kPrepared, "old2", "new2").is_ok());
  auto found = merges.find("t-1");
  EXPECT_EQ((*found)->attempts, 2);
  EXPECT_EQ((*found)->new_tip, "new2");
  EXPECT_EQ(merges.set("t-404", MergeState::kDone, "", "").code(), Code::kNotFound);
}

}  // namespace
}  // namespace corral::store
