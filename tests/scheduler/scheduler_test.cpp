// The scheduler in process: a real store, real git repositories and
// worktrees, and a fake sandbox backend whose agents the tests script (no
// container, no daemon, no HTTP), so caps, priorities, holds, cancellation
// and being woken are checked exactly and in seconds.
#include "scheduler/scheduler.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <thread>

#include "core/file_lock.h"
#include "tests/support/in_process.h"

namespace corral::scheduler {
namespace {

using store::TaskState;

class SchedulerTest : public corral::testing::InProcess {
 protected:
  void TearDown() override {
    scheduler_.reset();  // joins the workers before the store and the backend go
  }

  Scheduler& scheduler(Caps caps = {}) {
    if (!scheduler_) {
      SchedulerOptions options;
      options.caps = caps;
      options.supervisor_path = corral::testing::supervisor_binary();
      scheduler_ = std::make_unique<Scheduler>(*store_, *layout_, backend_, options);
    }
    return *scheduler_;
  }

  // Starts `id` (its agent holds) and cancels it as the API does: the state
  // first, then the sandbox.
  void start_then_cancel(const std::string& id) {
    ASSERT_TRUE(scheduler().tick().is_ok());
    ASSERT_TRUE(backend_.wait_running(1, std::chrono::seconds(20)));
    Status cancelled = store_->with([&](store::Transaction& tx) {
      return tx.queue.transition(id, {TaskState::kRunning}, TaskState::kCancelled, "cancelled by the test");
    });
    ASSERT_TRUE(cancelled.is_ok());
    scheduler().cancel_running(id);
  }

  // Runs passes until `id` is in `state` (the workers run on their own threads).
  bool settles_in(const std::string& id, TaskState state) {
    return corral::testing::wait_for(
        [&] {
          EXPECT_TRUE(scheduler().tick().is_ok());
          return task(id).state == state;
        },
        std::chrono::seconds(30));
  }

  std::unique_ptr<Scheduler> scheduler_;
};

TEST_F(SchedulerTest, AnAgentsWorkBecomesItsTaskBranch) {
  std::string id = submit("write a file");
  backend_.script(id, {{{"hello.txt", "hi\n"}}, 0, false});
  ASSERT_TRUE(settles_in(id, TaskState::kSucceeded));
  EXPECT_EQ(repo_git("show corral/" + id + ":hello.txt"), "hi");
  ASSERT_EQ(events_of(id, "task.finished").size(), 1u);
}

TEST_F(SchedulerTest, TheGlobalCapBoundsHowManyRunAtOnce) {
  Scheduler& passes = scheduler({/*global=*/2, /*per_repo=*/8, /*per_agent=*/8});
  std::vector<std::string> ids;
  for (int i = 0; i < 4; ++i) {
    ids.push_back(submit("task " + std::to_string(i)));
    backend_.script(ids.back(), {{}, 0, /*hold=*/true});
  }
  ASSERT_TRUE(passes.tick().is_ok());
  ASSERT_TRUE(backend_.wait_running(2, std::chrono::seconds(20)));
  ASSERT_TRUE(passes.tick().is_ok());
  EXPECT_EQ(task(ids[2]).state, TaskState::kQueued) << "no room";
  for (const std::string& id : ids) backend_.release(id);
  for (const std::string& id : ids) EXPECT_TRUE(settles_in(id, TaskState::kSucceeded)) << id;
  EXPECT_EQ(backend_.max_running(), 2u);
}

TEST_F(SchedulerTest, HigherPriorityStartsFirstThenSubmissionOrder) {
  Scheduler& passes = scheduler({1, 1, 1});
  std::string early = submit("early", 0);
  std::string late_urgent = submit("urgent", 10);
  std::string later = submit("later", 0);
  for (const std::string& id : {early, late_urgent, later}) backend_.script(id, {{}, 0, true});
  for (const std::string& id : {late_urgent, early, later}) {
    ASSERT_TRUE(passes.tick().is_ok());
    ASSERT_TRUE(backend_.wait_running(1, std::chrono::seconds(20)));
    backend_.release(id);
    ASSERT_TRUE(settles_in(id, TaskState::kSucceeded)) << id;
  }
  EXPECT_EQ(backend_.started_tasks(), (std::vector<std::string>{late_urgent, early, later}));
}

TEST_F(SchedulerTest, AFailedParentHoldsItsChildWhichNeverRuns) {
  std::string parent = submit("fails");
  backend_.script(parent, {{}, 3, false});
  std::string child = submit("builds on it", 0, {parent});
  ASSERT_TRUE(settles_in(parent, TaskState::kFailed));
  ASSERT_TRUE(settles_in(child, TaskState::kHeld));
  EXPECT_EQ(task(child).reason, "parent " + parent + " failed");
  EXPECT_EQ(backend_.started_tasks(), std::vector<std::string>{parent});
  auto held = events_of(child, "task.held");
  ASSERT_EQ(held.size(), 1u);
  EXPECT_EQ(held[0]["repo"], repo_id_) << "a reader scoped to the repository sees it";
}

TEST_F(SchedulerTest, CancellingARunningTaskStopsItsSandbox) {
  std::string id = submit("runs until stopped");
  backend_.script(id, {{{"half.txt", "x"}}, 0, /*hold=*/true});
  ASSERT_NO_FATAL_FAILURE(start_then_cancel(id));
  ASSERT_TRUE(corral::testing::wait_for([&] { return backend_.running() == 0; }, std::chrono::seconds(20)));
  ASSERT_TRUE(settles_in(id, TaskState::kCancelled));
  EXPECT_TRUE(events_of(id, "task.finished").empty());
  EXPECT_TRUE(events_of(id, "task.failed").empty()) << "a cancelled task is not a failed one";
}

// Cancelled, then retried at once while the cancelled run's worker is still
// winding down: the daemon once replaced that worker's thread and died
// (std::terminate; seen as an empty reply to the retry in the e2e suite).
TEST_F(SchedulerTest, ATaskRetriedWhileItsCancelledRunWindsDownRunsAgainOnce) {
  std::string id = submit("cancelled, then retried");
  backend_.script(id, {{}, 0, /*hold=*/true});
  ASSERT_NO_FATAL_FAILURE(start_then_cancel(id));
  Status retried = store_->with(
      [&](store::Transaction& tx) { return tx.queue.transition(id, {TaskState::kCancelled}, TaskState::kQueued, ""); });
  ASSERT_TRUE(retried.is_ok());
  backend_.release(id);
  ASSERT_TRUE(settles_in(id, TaskState::kSucceeded));
  EXPECT_EQ(backend_.started_tasks(), (std::vector<std::string>{id, id})) << "once cancelled, once to the end";
}

TEST_F(SchedulerTest, ASubmissionWakesTheSchedulerWithoutATimer) {
  SchedulerOptions options;
  options.supervisor_path = corral::testing::supervisor_binary();
  options.backstop = std::chrono::minutes(10);  // far beyond this test: only a wake-up can start the task
  scheduler_ = std::make_unique<Scheduler>(*store_, *layout_, backend_, options);
  store_->set_task_listener([this] { scheduler_->wake(); });
  std::atomic<bool> stop{false};
  std::thread loop([&] { scheduler_->run(stop); });
  std::this_thread::sleep_for(std::chrono::milliseconds(100));  // the first pass found nothing
  std::string id = submit("wake up");
  backend_.script(id, {{}, 0, true});
  EXPECT_TRUE(backend_.wait_running(1, std::chrono::seconds(20)));
  backend_.release(id);
  EXPECT_TRUE(
      corral::testing::wait_for([&] { return task(id).state == TaskState::kSucceeded; }, std::chrono::seconds(20)));
  stop = true;
  scheduler_->wake();
  loop.join();
  store_->set_task_listener(nullptr);
}

// A task whose run's end was recorded only in part (a write failed on a full
// disk) stays running with no run; recovery puts it back in the queue.
TEST_F(SchedulerTest, RecoveryRepairsATaskLeftRunningWithoutARun) {
  std::string id = submit("stuck");
  Status stuck = store_->with(
      [&](store::Transaction& tx) { return tx.queue.transition(id, {TaskState::kQueued}, TaskState::kRunning, ""); });
  ASSERT_TRUE(stuck.is_ok());
  ASSERT_TRUE(scheduler().recover().is_ok());
  EXPECT_EQ(task(id).state, TaskState::kQueued);
  auto requeued = events_of(id, "task.requeued");
  ASSERT_EQ(requeued.size(), 1u);
  EXPECT_NE(requeued[0]["payload"]["reason"].get<std::string>().find("left running with no run"), std::string::npos);
  backend_.script(id, {{}, 0, false});
  EXPECT_TRUE(settles_in(id, TaskState::kSucceeded)) << "and it runs to its end";
}

// The database refuses writes as a run ends (full, read-only): the task
// stays running, holding its slot, and its end is recorded by the first pass
// after the database takes writes again; no restart needed.
TEST_F(SchedulerTest, ARunEndTheDatabaseRefusedIsRecordedOnceItAcceptsWrites) {
  auto query_only = [&](bool on) {
    return store_->with(
        [&](store::Transaction& tx) { return tx.db.exec(on ? "PRAGMA query_only = ON" : "PRAGMA query_only = OFF"); });
  };
  std::atomic<bool> refused{false};
  SchedulerOptions options;
  options.supervisor_path = corral::testing::supervisor_binary();
  options.at_stage = [&](std::string_view stage) {  // the run is over; its end is next
    if (stage == "finish") refused = query_only(true).is_ok();
  };
  scheduler_ = std::make_unique<Scheduler>(*store_, *layout_, backend_, options);
  std::string id = submit("ends while the disk is full");
  backend_.script(id, {{{"done.txt", "done\n"}}, 0, false});
  ASSERT_TRUE(scheduler_->tick().is_ok());
  ASSERT_TRUE(corral::testing::wait_for([&] { return refused.load(); }, std::chrono::seconds(20)));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // the worker tried to record its end, and ended
  (void)scheduler_->tick();                                     // passes go on; the end cannot be written yet
  EXPECT_EQ(task(id).state, TaskState::kRunning) << "nothing was written";
  ASSERT_TRUE(query_only(false).is_ok());
  (void)scheduler_->tick();
  EXPECT_EQ(task(id).state, TaskState::kRunning) << "a refused end is tried again a second later, not at once";
  clock_.advance(std::chrono::seconds(1));
  EXPECT_TRUE(settles_in(id, TaskState::kSucceeded)) << "recorded by a later pass, without a restart";
  auto runs = store_->with([&](store::Transaction& tx) { return tx.records.runs_of_task(id); });
  ASSERT_EQ(runs->size(), 1u);
  EXPECT_EQ(runs->front().state, store::state::kSucceeded);
  EXPECT_FALSE(std::filesystem::exists(layout_->run_lock(runs->front().id))) << "and its lock is gone";
}

// A run that ended because corral stopped is not one of the task's attempts:
// even on its last attempt, the task goes back to the queue.
TEST_F(SchedulerTest, ACrashOfCorralIsNotTheTasksAttempt) {
  std::string id = submit("interrupted");
  Status crashed = store_->with([&](store::Transaction& tx) -> Status {
    CORRAL_RETURN_IF_ERROR(tx.queue.transition(id, {TaskState::kQueued}, TaskState::kRunning, ""));
    for (int attempt = 0; attempt < 3; ++attempt) CORRAL_RETURN_IF_ERROR(tx.queue.count_attempt(id));
    store::RunRecord run;
    run.id = "r-crashed";
    run.task_id = id;
    run.state = store::state::kRunning;  // its process is gone: nobody holds its lock
    return tx.records.insert_run(run);
  });
  ASSERT_TRUE(crashed.is_ok());
  ASSERT_TRUE(scheduler().recover().is_ok());
  EXPECT_EQ(task(id).state, TaskState::kQueued) << "not failed for running out of attempts";
  EXPECT_EQ(task(id).attempts, 2);
}

// A start that could not be recorded leaves its run lock behind; recovery
// removes such locks (never a live run's).
TEST_F(SchedulerTest, RecoveryRemovesStrayRunLocksButNotLiveOnes) {
  std::string stray = layout_->run_lock("r-never-started");
  std::ofstream(stray).put('\n');
  auto live = FileLock::acquire(layout_->run_lock("r-live"));
  ASSERT_TRUE(live.is_ok());
  ASSERT_TRUE(scheduler().recover().is_ok());
  EXPECT_FALSE(std::filesystem::exists(stray));
  EXPECT_TRUE(std::filesystem::exists(layout_->run_lock("r-live")));
}

// corral's own failure (here: no sandbox could be made) sends the task back
// to the queue to wait: 2 s, then 4 s (each give or take a quarter), not at once.
TEST_F(SchedulerTest, CorralsOwnFailuresAreRetriedWithBackoff) {
  std::string id = submit("flaky engine");
  backend_.fail_to_create(id, 2);
  auto runs = [&] { return store_->with([&](store::Transaction& tx) { return tx.records.runs_of_task(id); })->size(); };
  auto requeues = [&] { return events_of(id, "task.requeued"); };
  ASSERT_TRUE(corral::testing::wait_for(
      [&] {
        EXPECT_TRUE(scheduler().tick().is_ok());
        return requeues().size() == 1 && task(id).state == TaskState::kQueued;
      },
      std::chrono::seconds(20)))
      << "the first run failed";
  int64_t delay = requeues()[0]["payload"]["retry_in_ms"];
  EXPECT_GE(delay, 1500);
  EXPECT_LE(delay, 2500);
  ASSERT_TRUE(scheduler().tick().is_ok());
  EXPECT_EQ(runs(), 1u) << "not retried at once";
  clock_.advance(std::chrono::milliseconds(delay - 1));
  ASSERT_TRUE(scheduler().tick().is_ok());
  EXPECT_EQ(runs(), 1u) << "nor a moment before its time";
  clock_.advance(std::chrono::milliseconds(1));
  ASSERT_TRUE(corral::testing::wait_for(
      [&] {
        EXPECT_TRUE(scheduler().tick().is_ok());
        return requeues().size() == 2 && task(id).state == TaskState::kQueued;
      },
      std::chrono::seconds(20)));
  int64_t second = requeues()[1]["payload"]["retry_in_ms"];
  EXPECT_GE(second, 3000) << "doubled";
  EXPECT_LE(second, 5000);
  clock_.advance(std::chrono::milliseconds(second));
  EXPECT_TRUE(settles_in(id, TaskState::kSucceeded)) << "the third run gets a sandbox";
  EXPECT_EQ(runs(), 3u);
}

TEST(RetryDelay, DoublesPerAttemptUpToAMinuteTimesTheJitter) {
  using std::chrono::milliseconds;
  EXPECT_EQ(retry_delay(milliseconds(2000), 1, 1.0), milliseconds(2000));
  EXPECT_EQ(retry_delay(milliseconds(2000), 2, 1.0), milliseconds(4000));
  EXPECT_EQ(retry_delay(milliseconds(2000), 3, 0.75), milliseconds(6000));
  EXPECT_EQ(retry_delay(milliseconds(2000), 30, 1.25), milliseconds(75000)) << "a minute, then the jitter";
}

// The safety net: a change nobody announced is found by the backstop pass,
// which runs when the clock has passed the backstop, not before.
TEST_F(SchedulerTest, AnUnannouncedTaskStartsOnTheBackstopPass) {
  SchedulerOptions options;
  options.supervisor_path = corral::testing::supervisor_binary();
  options.backstop = std::chrono::minutes(1);
  scheduler_ = std::make_unique<Scheduler>(*store_, *layout_, backend_, options);  // no task listener: no wake-ups
  std::string first = submit("there at the first pass");
  backend_.script(first, {{}, 0, true});
  std::atomic<bool> stop{false};
  std::thread loop([&] { scheduler_->run(stop); });
  // Once it runs, the first pass is over and the loop waits for the backstop.
  ASSERT_TRUE(backend_.wait_running(1, std::chrono::seconds(20)));
  std::string id = submit("found later");
  backend_.script(id, {{}, 0, true});
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_EQ(task(id).state, TaskState::kQueued) << "no pass before the backstop";
  clock_.advance(std::chrono::seconds(59));
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_EQ(task(id).state, TaskState::kQueued) << "still before it";
  clock_.advance(std::chrono::seconds(1));
  EXPECT_TRUE(backend_.wait_running(2, std::chrono::seconds(20))) << "the backstop pass started it";
  backend_.release(first);
  backend_.release(id);
  stop = true;
  scheduler_->wake();
  loop.join();
}

}  // namespace
}  // namespace corral::scheduler
