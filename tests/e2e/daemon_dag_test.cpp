// The queue end to end: stacked tasks start from their parent's branch; a
// failed parent holds its dependents; and after the daemon is killed with
// SIGKILL, nothing acknowledged is lost and nothing runs twice.
#include <thread>

#include "tests/e2e/daemon_fixture.h"

namespace corral::e2e {
namespace {

using json = nlohmann::json;

TEST_F(DaemonE2E, AStackedTaskStartsFromItsParentsBranch) {
  std::string parent = submit("echo from-parent > parent.txt; true", "parent");
  std::string child = submit("cat parent.txt > child.txt; true", "child", "\"parents\":[\"" + parent + "\"]");
  EXPECT_EQ(wait_for_state(child, "review")["state"], "review");
  EXPECT_EQ(file_on_branch("corral/" + child, "child.txt"), "from-parent\n");
  EXPECT_EQ(git("rev-parse corral/" + child + "^"), git("rev-parse corral/" + parent));
}

TEST_F(DaemonE2E, AFailedParentHoldsItsDependents) {
  std::string parent = submit("exit 3", "fails");
  std::string child = submit("true", "child", "\"parents\":[\"" + parent + "\"]");
  std::string grandchild = submit("true", "grandchild", "\"parents\":[\"" + child + "\"]");
  auto held = wait_for_state(grandchild, "held");
  EXPECT_EQ(local("GET", "/v1/tasks/" + parent)["state"], "failed");
  EXPECT_EQ(local("GET", "/v1/tasks/" + child)["reason"], "parent " + parent + " failed");
  EXPECT_EQ(held["state"], "held");
  EXPECT_TRUE(local("GET", "/v1/tasks/" + child)["runs"].empty()) << "never ran";
}

TEST_F(DaemonE2E, KilledWhileTasksAreQueuedLosesNothing) {
  std::vector<std::string> tasks;
  for (int i = 0; i < 6; ++i)
    tasks.push_back(submit("echo " + std::to_string(i) + " > n.txt; true", "n" + std::to_string(i)));
  stop_daemon(SIGKILL);
  start_daemon();
  ASSERT_TRUE(ready_);
  for (const std::string& task : tasks) {
    auto done = wait_for_state(task, "review");
    EXPECT_EQ(done["state"], "review") << done.dump();
    int succeeded_runs = 0;
    for (const auto& run : done["runs"]) succeeded_runs += run["state"] == "succeeded";
    EXPECT_EQ(succeeded_runs, 1) << "ran to success exactly once: " << done.dump();
  }
}

TEST_F(DaemonE2E, KilledWhileATaskRunsRequeuesItAndRunsItOnce) {
  std::string task = submit("echo started > started.txt; sleep 3; echo done > done.txt; true", "slow");
  wait_for_state(task, "running");
  ASSERT_TRUE(testing::wait_for([&] { return sh("ls " + quote(data()) + "/worktrees/*/started.txt").exit_code == 0; },
                                std::chrono::seconds(30)));
  stop_daemon(SIGKILL);
  start_daemon();
  ASSERT_TRUE(ready_);
  auto done = wait_for_state(task, "review", 90);
  ASSERT_EQ(done["state"], "review") << done.dump();
  EXPECT_EQ(done["attempts"], 1) << "corral's crash was not the task's attempt";
  ASSERT_EQ(done["runs"].size(), 2u);
  EXPECT_EQ(done["runs"][0]["state"], "failed");
  EXPECT_EQ(done["runs"][1]["state"], "succeeded");
  EXPECT_EQ(file_on_branch("corral/" + task, "done.txt"), "done\n");
  auto events = local("GET", "/v1/events?task=" + task + "&limit=1000");
  int requeued = 0;
  for (const auto& event : events["events"]) requeued += event["type"] == "task.requeued";
  EXPECT_EQ(requeued, 1);
  EXPECT_EQ(corral("audit verify").exit_code, 0);
}

// SIGKILL at each point of a run's life; after a restart the task succeeds
// (and waits for review), with exactly one successful run and its work on the
// branch once.
class CrashPoints : public DaemonE2E, public ::testing::WithParamInterface<std::string> {
 protected:
  void SetUp() override {
    CorralE2E::SetUp();
    start_daemon_paused();
    ASSERT_TRUE(ready_) << testing::read_file(dir_ / "serve.log");
    sh_ok(quote(testing::corral_binary()) + " --data-dir " + quote(data()) + " repo add " + quote(repo()));
  }

  void start_daemon_paused() { start_daemon("--test-pause-at " + GetParam()); }
};

TEST_P(CrashPoints, NothingAcknowledgedIsLostAndNothingRunsTwice) {
  std::string task = submit("echo work > work.txt; true", "crash at " + GetParam());
  wait_for_state(task, "running");
  std::this_thread::sleep_for(std::chrono::milliseconds(500));  // inside the 5 s pause at the stage
  stop_daemon(SIGKILL);
  start_daemon();
  ASSERT_TRUE(ready_);
  auto done = wait_for_state(task, "review", 90);
  ASSERT_EQ(done["state"], "review") << done.dump();
  int succeeded = 0;
  for (const auto& run : done["runs"]) succeeded += run["state"] == "succeeded";
  EXPECT_EQ(succeeded, 1) << done.dump();
  EXPECT_EQ(done["runs"].size(), 2u) << "the kill landed inside the run: " << done.dump();
  EXPECT_EQ(done["attempts"], 1) << "and did not count as one of the task's attempts: " << done.dump();
  EXPECT_EQ(done["runs"][0]["reason"], "corral stopped during the run; the run was abandoned") << done.dump();
  EXPECT_EQ(file_on_branch("corral/" + task, "work.txt"), "work\n");
  EXPECT_EQ(git("rev-list --count main..corral/" + task), "1") << "one commit of work, not two";
  expect_no_leftovers();
}

// Cancelled while its worktree is being prepared: the agent never starts.
class CancelWhilePreparing : public DaemonE2E {
 protected:
  void SetUp() override {
    CorralE2E::SetUp();
    start_daemon("--test-pause-at prepare");
    ASSERT_TRUE(ready_);
    sh_ok(quote(testing::corral_binary()) + " --data-dir " + quote(data()) + " repo add " + quote(repo()));
  }
};

TEST_F(CancelWhilePreparing, TheAgentNeverStarts) {
  std::string task = submit("echo ran > ran.txt; true", "never");
  wait_for_state(task, "running");
  EXPECT_EQ(local("POST", "/v1/tasks/" + task + "/cancel")["state"], "cancelled");
  ASSERT_TRUE(testing::wait_for(
      [&] {
        auto shown = local("GET", "/v1/tasks/" + task);
        return !shown["runs"].empty() && shown["runs"][0].contains("finished_at");
      },
      std::chrono::seconds(30)));
  auto shown = local("GET", "/v1/tasks/" + task);
  EXPECT_EQ(shown["state"], "cancelled");
  EXPECT_EQ(shown["runs"][0]["state"], "cancelled") << shown.dump();
  auto events = local("GET", "/v1/events?task=" + task + "&limit=1000");
  for (const auto& event : events["events"]) {
    EXPECT_NE(event["type"], "sandbox.created") << "no sandbox was started";
  }
  EXPECT_EQ(git("branch --list 'corral/*'"), "");
  expect_no_leftovers();
}

INSTANTIATE_TEST_SUITE_P(Stages, CrashPoints, ::testing::Values("start", "prepare", "run", "collect", "finish"),
                         [](const ::testing::TestParamInfo<std::string>& info) { return info.param; });

}  // namespace
}  // namespace corral::e2e
