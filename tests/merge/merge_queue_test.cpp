// The merge queue in process (tests/merge/merge_fixture.h): speculative
// checks held in the fake backend so each state can be looked at, approvals
// carried over a rebase by patch id or asked again with an interdiff, and
// conflict follow-ups.
#include <sstream>
#include <thread>

#include "core/wakeup.h"
#include "merge/merge_queues.h"
#include "store/kill_switches.h"
#include "tests/merge/merge_fixture.h"

namespace corral::merge {
namespace {

using MergeQueueTest = CommitStepTest;

// The task ids on main of `repo`, oldest first, from their Corral-Task trailers.
std::vector<std::string> tasks_on_main(const std::string& repo) {
  std::string log = corral::testing::sh_ok("git -C " + corral::testing::quote(repo) +
                                           " log --reverse --format=%b main | sed -n 's/^Corral-Task: //p'");
  std::vector<std::string> ids;
  std::istringstream lines(log);
  for (std::string line; std::getline(lines, line);) ids.push_back(line);
  return ids;
}

TEST_F(MergeQueueTest, ChecksRunAtOnceEachOnTheTasksAheadAndAFailedCheckTakesOnlyItsTask) {
  set_settings({{"pin", "autonomous"}, {"check_command", "make check"}, {"merge_queue_depth", 3}});
  std::vector<std::string> ids;
  for (int i = 0; i < 4; ++i)
    ids.push_back(run_task({{"queue/f" + std::to_string(i) + ".txt", std::to_string(i) + "\n"}}));
  // From now on each task's sandbox is its check: held until released; the second one's fails.
  for (const std::string& id : ids) backend_.script(id, {{}, id == ids[1] ? 1 : 0, true});
  std::thread commit([&] { settle(); });
  ASSERT_TRUE(backend_.wait_running(3, std::chrono::seconds(30))) << "three checks at once";
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  EXPECT_EQ(backend_.running(), 3u) << "never more than the queue's depth";
  auto queues = commit_step_->board().all();
  ASSERT_EQ(queues.size(), 1u);
  const auto& checks = queues[0].checks;
  ASSERT_EQ(checks.size(), 3u);
  EXPECT_EQ(checks[0].task, ids[0]);
  EXPECT_EQ(checks[0].onto, queues[0].tip) << "the head on the branch's tip";
  EXPECT_EQ(checks[1].onto, checks[0].commit) << "each next on the predicted result of those ahead";
  EXPECT_EQ(checks[2].ahead, (std::vector<std::string>{ids[0], ids[1]}));
  for (const auto& check : checks) EXPECT_EQ(check.check, "checking");

  for (const std::string& id : ids) backend_.release(id);
  commit.join();
  EXPECT_EQ(task(ids[0]).state, TaskState::kMerged);
  EXPECT_EQ(task(ids[1]).state, TaskState::kChecksFailed);
  EXPECT_EQ(task(ids[2]).state, TaskState::kMerged);
  EXPECT_EQ(task(ids[3]).state, TaskState::kMerged);
  EXPECT_EQ(tasks_on_main(repo()), (std::vector<std::string>{ids[0], ids[2], ids[3]}))
      << "in queue order, each once, the failed one not at all";
  auto failed = events_of(ids[1], "check.failed");
  ASSERT_EQ(failed.size(), 1u);
  EXPECT_EQ(failed[0]["payload"]["ahead"], json::array({ids[0]})) << failed[0].dump();
  auto passed = events_of(ids[2], "check.passed");
  ASSERT_FALSE(passed.empty());
  // Checked again without the failed task: on the first one's change, not the second's.
  const json& last = passed.back()["payload"];
  EXPECT_EQ(last["ahead"].dump().find(ids[1]), std::string::npos) << last.dump();
  std::string onto = last["onto"];
  EXPECT_EQ(repo_git("cat-file -t " + onto + ":queue/f0.txt"), "blob") << last.dump();
  EXPECT_NE(corral::testing::sh("git -C " + corral::testing::quote(repo()) + " cat-file -t " + onto + ":queue/f1.txt")
                .exit_code,
            0)
      << last.dump();
  EXPECT_LE(backend_.max_running(), 3u);
  EXPECT_EQ(backend_.running(), 0u) << "no check left running";
}

// The branch moved outside corral while checks ran: the checks built on the
// old tip are stopped and built again on the new one, which nothing forces
// away.
TEST_F(MergeQueueTest, TheBranchMovingOutsideCorralRestartsTheChecksOnTheNewTip) {
  set_settings({{"pin", "autonomous"}, {"check_command", "make check"}});
  std::vector<std::string> ids = {run_task({{"queue/a.txt", "a\n"}}), run_task({{"queue/b.txt", "b\n"}})};
  for (const std::string& id : ids) backend_.script(id, {{}, 0, true});
  std::thread commit([&] { settle(); });
  ASSERT_TRUE(backend_.wait_running(2, std::chrono::seconds(30)));
  std::string old_tip = commit_step_->board().all()[0].tip;

  std::string outside = dir_ / "outside";
  corral::testing::sh_ok("git clone -q " + corral::testing::quote(repo()) + " " + corral::testing::quote(outside));
  corral::testing::write_file(outside + "/outside.txt", "pushed by a person\n");
  corral::testing::sh_ok("cd " + corral::testing::quote(outside) +
                         " && git add -A && git -c user.name=p -c user.email=p@x commit -q -m outside && git push -q "
                         "origin main");
  std::string pushed = repo_git("rev-parse main");
  for (const std::string& id : ids) backend_.release(id);
  commit.join();

  for (const std::string& id : ids) EXPECT_EQ(task(id).state, TaskState::kMerged) << id << ": " << task(id).reason;
  EXPECT_EQ(repo_git("rev-list --count " + old_tip + "..main"), "3") << "the person's commit, then both tasks";
  EXPECT_EQ(repo_git("merge-base --is-ancestor " + pushed + " main && echo kept"), "kept");
  auto passed = events_of(ids[0], "check.passed");
  ASSERT_FALSE(passed.empty());
  EXPECT_EQ(passed.back()["payload"]["onto"], pushed) << "checked again on the new tip";
  EXPECT_EQ(tasks_on_main(repo()), ids);
}

// With merge_batch 3, the three tasks at the head that passed land in one
// compare-and-swap and one publish; each is merged once, with its own commits.
TEST_F(MergeQueueTest, PassedTasksAtTheHeadLandTogetherInOneBatch) {
  set_settings({{"pin", "autonomous"}, {"merge_batch", 3}});
  std::vector<std::string> ids;
  for (int i = 0; i < 4; ++i)
    ids.push_back(run_task({{"batch/f" + std::to_string(i) + ".txt", std::to_string(i) + "\n"}}));
  std::string before = repo_git("rev-parse main");
  settle();
  for (const std::string& id : ids) EXPECT_EQ(task(id).state, TaskState::kMerged) << id;
  EXPECT_EQ(tasks_on_main(repo()), ids);
  std::vector<json> completed;
  for (const std::string& id : ids) completed.push_back(events_of(id, "merge.completed").at(0)["payload"]);
  json batch = json::array({ids[0], ids[1], ids[2]});
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(completed[i]["batch"], batch) << i;
    EXPECT_EQ(completed[i]["published"], completed[2]["new"]) << "one publish for the three";
    EXPECT_EQ(completed[i]["commits"].size(), 1u) << "each with its own commit";
  }
  EXPECT_EQ(completed[0]["old"], before);
  EXPECT_EQ(completed[1]["old"], completed[0]["new"]);
  EXPECT_FALSE(completed[3].contains("batch")) << "the fourth came alone";
  auto records = store_->with([&](store::Transaction& tx) { return tx.merges.find(ids[1]); });
  ASSERT_TRUE(records.is_ok() && *records);
  EXPECT_EQ((*records)->new_tip, completed[2]["new"]) << "each member's intent is the batch's";
}

// A queue whose tasks cannot move (a kill switch holds their merges) is not
// started again and again, burning a thread and an upstream call each time:
// it waits for a change.
TEST_F(MergeQueueTest, AQueueWithNothingReadyWaitsForAChangeInsteadOfStartingAgain) {
  set_settings({{"pin", "autonomous"}});
  std::string id = run_task({{"held.txt", "held\n"}});
  store::KillSwitch hold{store::repo_scope(repo_id_), true, true, "owner", "freeze", ""};
  ASSERT_TRUE(store_->with([&](store::Transaction& tx) { return tx.kill_switches.set(hold); }).is_ok());
  settle();
  ASSERT_EQ(task(id).state, TaskState::kMerging) << "approved, held by the switch";

  Wakeup ended;
  MergeQueues queues(commit_step_->merger(), commit_step_->board(), [&] { ended.notify(); });
  auto dispatch = [&] { ASSERT_TRUE(queues.dispatch().is_ok()); };
  dispatch();
  ASSERT_TRUE(ended.wait_for(std::chrono::seconds(10)));
  for (int pass = 0; pass < 5; ++pass) {
    dispatch();
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_EQ(queues.runs_started(), 1) << "nothing changed: not started again";

  hold.on = false;
  ASSERT_TRUE(store_->with([&](store::Transaction& tx) { return tx.kill_switches.set(hold); }).is_ok());
  queues.changed();
  ASSERT_TRUE(corral::testing::wait_for(
      [&] {
        dispatch();
        return task(id).state == TaskState::kMerged;
      },
      std::chrono::seconds(30)));
  EXPECT_EQ(queues.runs_started(), 2);
}

// The approval binds to the change: a rebase that leaves the hunks as they
// were carries it over; one that changed a hunk asks the reviewer again and
// shows them only what changed.
TEST_F(MergeQueueTest, AnApprovalIsCarriedOverACleanRebaseAndAskedAgainWhenAHunkChanged) {
  set_settings({{"pin", "autonomous"}});
  std::string numbers;
  for (int line = 1; line <= 10; ++line) numbers += std::to_string(line) + "\n";
  std::string listed = run_task({{"list.txt", numbers}});
  settle();
  ASSERT_EQ(task(listed).state, TaskState::kMerged);

  set_settings({{"pin", "supervised"}});  // one approval each from here
  auto with_line = [&](int changed, const std::string& text) {
    std::string out;
    for (int line = 1; line <= 10; ++line) out += (line == changed ? text : std::to_string(line)) + "\n";
    return out;
  };
  std::string near = run_task({{"list.txt", with_line(3, "three")}});
  std::string changed = run_task({{"list.txt", with_line(6, "six")}});
  std::string apart = run_task({{"notes/apart.txt", "apart\n"}});
  settle();
  for (const std::string& id : {near, changed, apart}) ASSERT_EQ(task(id).state, TaskState::kReview) << id;
  approve_all(near);  // approved first: merges first
  approve_all(changed);
  approve_all(apart);
  settle();
  EXPECT_EQ(task(near).state, TaskState::kMerged);
  EXPECT_EQ(task(apart).state, TaskState::kMerged) << "its hunks did not change";
  auto carried = events_of(apart, "approval.carried");
  ASSERT_EQ(carried.size(), 1u);
  EXPECT_EQ(carried[0]["payload"]["patch_id"].get<std::string>().size(), 40u);

  ASSERT_EQ(task(changed).state, TaskState::kReview) << "line 3 is in its hunk's context";
  EXPECT_TRUE(events_of(changed, "approval.carried").empty());
  auto asked = events_of(changed, "approval.requested");
  ASSERT_EQ(asked.size(), 2u);
  EXPECT_NE(asked[1]["payload"]["reason"].get<std::string>().find("no longer the one approved"), std::string::npos);
  ReviewDesk desk(*store_, *layout_);
  auto shown = desk.show({"bob", "reviewer", "*"}, changed);
  ASSERT_TRUE(shown.is_ok()) << shown.status().to_string();
  std::string interdiff = (*shown)["interdiff"];
  EXPECT_NE(interdiff.find("\n- 3\n"), std::string::npos) << interdiff;
  EXPECT_NE(interdiff.find("\n+ three\n"), std::string::npos) << interdiff;
  EXPECT_EQ(interdiff.find("+six"), std::string::npos) << "the unchanged line is not shown again\n" << interdiff;
  auto stale = ReviewDesk(*store_, *layout_)
                   .approve({"bob", "reviewer", "*"}, changed, {{"diff_hash", asked[0]["payload"]["diff_hash"]}});
  EXPECT_FALSE(stale.is_ok()) << "the old approval's hash no longer counts";

  approve_all(changed);
  settle();
  EXPECT_EQ(task(changed).state, TaskState::kMerged);
  EXPECT_EQ(repo_git("show main:list.txt"), "1\n2\nthree\n4\n5\nsix\n7\n8\n9\n10");
  EXPECT_EQ(commits_on_main(changed), 1);
}

TEST_F(MergeQueueTest, AConflictQueuesAFollowUpForTheSameAgentWithBothSidesAndItsDependents) {
  set_settings({{"pin", "autonomous"}, {"conflict_follow_up", true}});
  std::string first = submit("first");
  std::string second = submit("second");
  backend_.script(first, {{{"README.md", "first readme\n"}, {"README.md.bak", "a backup\n"}}, 0, false});
  backend_.script(second, {{{"README.md", "second readme\n"}}, 0, false});
  std::string child = submit("on top of second", 0, {second});
  backend_.script(child, {{{"child.txt", "child\n"}}, 0, false});
  run_until_succeeded({first, second});
  settle();
  ASSERT_EQ(task(first).state, TaskState::kMerged);
  store::QueuedTask conflicted = task(second);
  ASSERT_EQ(conflicted.state, TaskState::kConflicted);
  auto events = events_of(second, "merge.conflicted");
  ASSERT_EQ(events.size(), 1u);
  std::string follow_up_id = events[0]["payload"]["follow_up"];
  EXPECT_NE(conflicted.reason.find("follow-up task " + follow_up_id), std::string::npos) << conflicted.reason;

  store::QueuedTask follow_up = task(follow_up_id);
  EXPECT_EQ(follow_up.state, TaskState::kQueued);
  EXPECT_EQ(follow_up.agent, conflicted.agent);
  EXPECT_EQ(follow_up.base_rev, repo_git("rev-parse main")) << "on the new tip";
  EXPECT_TRUE(follow_up.parents.empty());
  EXPECT_EQ(follow_up.prompt.rfind("second", 0), 0u) << "the original request first";
  EXPECT_NE(follow_up.prompt.find("- README.md"), std::string::npos) << follow_up.prompt;
  EXPECT_NE(follow_up.prompt.find("+first readme"), std::string::npos) << "the branch's side\n" << follow_up.prompt;
  EXPECT_NE(follow_up.prompt.find("+second readme"), std::string::npos) << "the task's side\n" << follow_up.prompt;
  EXPECT_EQ(follow_up.prompt.find("README.md.bak"), std::string::npos) << "only the conflicting files\n"
                                                                       << follow_up.prompt;
  auto queued = events_of(follow_up_id, "task.queued");
  ASSERT_EQ(queued.size(), 1u);
  EXPECT_EQ(queued[0]["payload"]["follow_up_of"], second);
  EXPECT_EQ(task(child).parents, std::vector<std::string>{follow_up_id}) << "its dependent waits for it instead";

  // The follow-up runs on the new tip and goes through the queue like any task.
  backend_.script(follow_up_id, {{{"README.md", "first readme\nsecond readme\n"}}, 0, false});
  run_until_succeeded({follow_up_id});
  settle();
  EXPECT_EQ(task(follow_up_id).state, TaskState::kMerged);
  EXPECT_EQ(repo_git("show main:README.md"), "first readme\nsecond readme");
}

// Without the owners' choice, a conflict only sends the task back.
TEST_F(MergeQueueTest, WithoutFollowUpsAConflictQueuesNothing) {
  set_settings({{"pin", "autonomous"}});
  std::string first = run_task({{"README.md", "one\n"}});
  std::string second = submit("second");
  backend_.script(second, {{{"README.md", "two\n"}}, 0, false});
  run_until_succeeded({second});
  settle();
  EXPECT_EQ(task(first).state, TaskState::kMerged);
  EXPECT_EQ(task(second).state, TaskState::kConflicted);
  EXPECT_FALSE(events_of(second, "merge.conflicted")[0]["payload"].contains("follow_up"));
  auto queued = store_->with([&](store::Transaction& tx) { return tx.queue.count({repo_id_, TaskState::kQueued}); });
  EXPECT_EQ(*queued, 0);
}

}  // namespace
}  // namespace corral::merge
