#include "store/records.h"

#include <gtest/gtest.h>

#include "tests/support/test_support.h"

namespace corral::store {
namespace {

class RecordsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = std::move(*Database::open(dir_ / "corral.db"));
    records_ = std::make_unique<Records>(*db_, clock_);
  }
  testing::TempDir dir_;
  SystemClock clock_;
  std::unique_ptr<Database> db_;
  std::unique_ptr<Records> records_;
};

TEST_F(RecordsTest, RegistersARepositoryOnce) {
  auto mirror_for = [](const std::string& id) { return "/data/mirrors/" + id + ".git"; };
  auto first = records_->ensure_repo("/src/repo", mirror_for);
  auto second = records_->ensure_repo("/src/repo", mirror_for);
  ASSERT_TRUE(first.is_ok());
  EXPECT_EQ(first->id, second->id);
  EXPECT_EQ(first->mirror_path, "/data/mirrors/" + first->id + ".git");
  EXPECT_NE(records_->ensure_repo("/src/other", mirror_for)->id, first->id);
}

TEST_F(RecordsTest, TaskAndRunLifecycle) {
  auto repo = records_->ensure_repo("/src/repo", [](const std::string& id) { return id; });
  TaskRecord task{"t-1", repo->id, "fix it", "agent", "HEAD", state::kQueued, "", "", ""};
  ASSERT_TRUE(records_->insert_task(task).is_ok());
  RunRecord run;
  run.id = "r-1";
  run.task_id = "t-1";
  run.state = state::kRunning;
  run.base_commit = std::string(40, 'a');
  ASSERT_TRUE(records_->insert_run(run).is_ok());
  EXPECT_EQ(records_->unfinished_runs()->size(), 1u);

  run.state = state::kFailed;
  run.exit_code = 2;
  run.reason = "agent exited with status 2";
  ASSERT_TRUE(records_->finish_run(run).is_ok());
  ASSERT_TRUE(records_->set_task_state("t-1", state::kFailed, run.reason).is_ok());
  EXPECT_TRUE(records_->unfinished_runs()->empty());
  auto stored = records_->find_run("r-1");
  ASSERT_TRUE(stored.is_ok() && *stored);
  EXPECT_EQ((*stored)->exit_code, 2);
  EXPECT_TRUE((*stored)->finished_at.has_value());
  EXPECT_EQ((*records_->find_task("t-1"))->reason, run.reason);
}

TEST_F(RecordsTest, ATaskMustNameAKnownRepository) {
  TaskRecord task{"t-1", "repo-unknown", "p", "a", "HEAD", state::kQueued, "", "", ""};
  Status status = records_->insert_task(task);
  EXPECT_FALSE(status.is_ok());
  EXPECT_FALSE(*records_->find_task("t-1"));
}

}  // namespace
}  // namespace corral::store
