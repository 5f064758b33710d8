#include "store/records.h"
#include "store/task_queue.h"

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

TEST_F(RecordsTest, RunLifecycle) {
  NewTask task;
  task.id = "t-1";
  task.repo_id = records_->ensure_repo("/src/repo", [](const std::string& id) { return id; })->id;
  task.prompt = "fix it";
  task.agent = "agent";
  ASSERT_TRUE(TaskQueue(*db_, clock_).submit({task}).is_ok());
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
  EXPECT_TRUE(records_->unfinished_runs()->empty());
  auto stored = records_->find_run("r-1");
  ASSERT_TRUE(stored.is_ok() && *stored);
  EXPECT_EQ((*stored)->exit_code, 2);
  EXPECT_TRUE((*stored)->finished_at.has_value());
  EXPECT_EQ(records_->runs_of_task("t-1")->size(), 1u);
}

TEST_F(RecordsTest, ARunMustNameAKnownTask) {
  RunRecord run;
  run.id = "r-1";
  run.task_id = "t-unknown";
  run.state = state::kRunning;
  EXPECT_FALSE(records_->insert_run(run).is_ok());
  EXPECT_FALSE(*records_->find_run("r-1"));
}

TEST_F(RecordsTest, ATaskMustNameAKnownRepository) {
  NewTask task;
  task.id = "t-1";
  task.repo_id = "repo-unknown";
  task.prompt = "p";
  task.agent = "a";
  TaskQueue queue(*db_, clock_);
  EXPECT_FALSE(queue.submit({task}).is_ok());
  EXPECT_FALSE(*queue.find("t-1"));
}

}  // namespace
}  // namespace corral::store
