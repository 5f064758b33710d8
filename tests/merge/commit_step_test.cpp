// The commit step in process (tests/merge/merge_fixture.h): proposals,
// verdicts, merges, task branches, pages of a big diff.
#include "tests/merge/merge_fixture.h"

namespace corral::merge {
namespace {

TEST_F(CommitStepTest, AnApprovedTaskMergesOnceAndTheUpstreamHasIt) {
  std::string id = run_task({{"notes/new.txt", "new\n"}});
  settle();
  ASSERT_EQ(task(id).state, TaskState::kReview) << "the first tier asks a human";
  ASSERT_EQ(events_of(id, "approval.requested").size(), 1u);
  approve_all(id);
  EXPECT_EQ(task(id).state, TaskState::kMerging);
  settle();
  EXPECT_EQ(task(id).state, TaskState::kMerged);
  EXPECT_EQ(repo_git("show main:notes/new.txt"), "new");
  EXPECT_EQ(commits_on_main(id), 1);
  EXPECT_EQ(events_of(id, "merge.completed").size(), 1u);
  EXPECT_FALSE(*commit_step_->work_once()) << "nothing is left to do";
}

// corral/<task> has done its job once merged: it leaves the repository,
// unless the owners keep task branches.
// A lock left in the upstream (a git process that died mid-update of main)
// is named as a lock when the merge gives up, not read as "the upstream
// moved"; corral does not remove it (a user's git may hold it).
TEST_F(CommitStepTest, ALockHeldInTheUpstreamIsReportedAsALock) {
  std::string id = run_task({{"notes/locked.txt", "locked\n"}});
  settle();
  approve_all(id);
  std::string lock = repo() + "/refs/heads/main.lock";  // the upstream is a bare repository
  corral::testing::write_file(lock, "");
  settle();
  store::QueuedTask ended = task(id);
  EXPECT_EQ(ended.state, TaskState::kMergeFailed);
  EXPECT_NE(ended.reason.find("was locked at each of 5 attempts"), std::string::npos) << ended.reason;
  EXPECT_NE(ended.reason.find("main.lock"), std::string::npos) << "names the lock file: " << ended.reason;
  EXPECT_EQ(ended.reason.find("moved"), std::string::npos) << ended.reason;
  auto failed = events_of(id, "merge.failed");
  ASSERT_EQ(failed.size(), 1u);
  EXPECT_EQ(failed[0]["payload"]["locked"], true);
  EXPECT_EQ(commits_on_main(id), 0);
  EXPECT_TRUE(std::filesystem::exists(lock)) << "the upstream's lock is its owner's to remove";
}

TEST_F(CommitStepTest, AMergedTasksBranchIsDeletedUnlessTheOwnersKeepThem) {
  auto has_branch = [&](const std::string& id) {
    return corral::testing::sh("git -C " + corral::testing::quote(repo()) +
                               " rev-parse -q --verify refs/heads/corral/" + id)
               .exit_code == 0;
  };
  auto merge = [&](const std::string& id) {
    settle();
    approve_all(id);
    settle();
    ASSERT_EQ(task(id).state, TaskState::kMerged);
  };
  std::string first = run_task({{"notes/first.txt", "1\n"}});
  ASSERT_TRUE(has_branch(first)) << "published for review";
  merge(first);
  EXPECT_FALSE(has_branch(first));
  EXPECT_EQ(events_of(first, "merge.completed")[0]["payload"]["task_branch"], "deleted");

  ASSERT_TRUE(store_
                  ->with([&](store::Transaction& tx) {
                    return tx.records.set_repo_settings(repo_id_, json{{"keep_task_branches", true}}.dump());
                  })
                  .is_ok());
  std::string second = run_task({{"notes/second.txt", "2\n"}});
  merge(second);
  EXPECT_TRUE(has_branch(second)) << "the owners keep them";
  EXPECT_FALSE(events_of(second, "merge.completed")[0]["payload"].contains("task_branch"));
}

// A big change is shown a page of files at a time, and its patch cut at a
// line with a marker, instead of one answer of any size.
TEST_F(CommitStepTest, ABigDiffIsShownInPagesAndItsPatchIsCut) {
  std::map<std::string, std::string> writes;
  for (int i = 0; i < 30; ++i) writes["many/file-" + std::to_string(100 + i) + ".txt"] = "line\n";
  std::string id = run_task(writes);
  settle();
  ReviewDesk desk(*store_, *layout_);
  policy::Caller reader{"carol", "reviewer", "*"};
  auto whole = desk.show(reader, id);
  ASSERT_TRUE(whole.is_ok()) << whole.status().to_string();
  EXPECT_EQ((*whole)["stats"]["files"].size(), 30u);
  EXPECT_FALSE(whole->contains("patch_truncated"));
  EXPECT_FALSE((*whole)["stats"].contains("next_offset"));

  auto first = desk.show(reader, id, {0, 10, 300});
  ASSERT_TRUE(first.is_ok());
  EXPECT_EQ((*first)["stats"]["files"].size(), 10u);
  EXPECT_EQ((*first)["stats"]["files_total"], 30);
  EXPECT_EQ((*first)["stats"]["next_offset"], 10);
  EXPECT_EQ((*first)["stats"]["files"][0]["path"], (*whole)["stats"]["files"][0]["path"]);
  std::string patch = (*first)["patch"];
  EXPECT_LE(patch.size(), 300u);
  EXPECT_EQ(patch.back(), '\n') << "cut at a line end";
  EXPECT_EQ((*first)["patch_truncated"], true);
  EXPECT_EQ((*first)["patch_bytes_total"], (*whole)["patch"].get<std::string>().size());
  EXPECT_EQ((*whole)["patch"].get<std::string>().rfind(patch, 0), 0u) << "the start of the whole patch";

  auto last = desk.show(reader, id, {25, 10, 1 << 20});
  EXPECT_EQ((*last)["stats"]["files"].size(), 5u);
  EXPECT_FALSE((*last)["stats"].contains("next_offset"));
  EXPECT_EQ((*last)["stats"]["files"][4]["path"], (*whole)["stats"]["files"][29]["path"]);
}

TEST_F(CommitStepTest, TheSubmitterNeverApprovesItsOwnTask) {
  std::string id = run_task({{"a.txt", "a\n"}});
  settle();
  auto approved = approve(id, "alice");
  ASSERT_FALSE(approved.is_ok());
  EXPECT_EQ(approved.status().code(), Code::kPermissionDenied);
  EXPECT_EQ(task(id).state, TaskState::kReview);
  auto stale = ReviewDesk(*store_, *layout_).approve({"bob", "reviewer", "*"}, id, {{"diff_hash", "not-the-hash"}});
  EXPECT_FALSE(stale.is_ok()) << "an approval binds to the diff that was seen";
  EXPECT_EQ(task(id).state, TaskState::kReview);
}

TEST_F(CommitStepTest, TwoTasksOnTheSameLinesTheSecondConflictsAndLosesNothing) {
  std::string first = run_task({{"README.md", "# first\n"}});
  std::string second = run_task({{"README.md", "# second\n"}});
  settle();
  approve_all(first);
  approve_all(second);
  settle();
  EXPECT_EQ(task(first).state, TaskState::kMerged);
  EXPECT_EQ(task(second).state, TaskState::kConflicted);
  EXPECT_NE(task(second).reason.find("README.md"), std::string::npos) << task(second).reason;
  EXPECT_EQ(repo_git("show main:README.md"), "# first");
  EXPECT_EQ(repo_git("show corral/" + second + ":README.md"), "# second") << "the second's work is still there";
}

TEST_F(CommitStepTest, AFailingCheckCommandEndsTheTaskAndMergesNothing) {
  Status set = store_->with([&](store::Transaction& tx) {
    return tx.records.set_repo_settings(repo_id_, json{{"check_command", "make test"}}.dump());
  });
  ASSERT_TRUE(set.is_ok());
  std::string id = run_task({{"broken.c", "int x = ;\n"}});
  settle();
  approve_all(id);
  backend_.script(id, {{}, 2, false});  // the check command's sandbox: the tests fail
  std::string main_before = repo_git("rev-parse main");
  settle();
  EXPECT_EQ(task(id).state, TaskState::kChecksFailed);
  EXPECT_EQ(repo_git("rev-parse main"), main_before);
  EXPECT_EQ(events_of(id, "check.failed").size(), 1u);
}

TEST_F(CommitStepTest, AMergeTheIntentLogShowsPreparedIsResumedAndLandsOnce) {
  std::string id = run_task({{"resumed.txt", "r\n"}});
  settle();
  approve_all(id);
  // A crash between writing the intent and moving the branch: the log says
  // prepared, the branch never moved.
  std::string tip = repo_git("rev-parse main");
  Status prepared = store_->with([&](store::Transaction& tx) -> Status {
    CORRAL_ASSIGN_OR_RETURN(auto record, tx.merges.open(id, repo_id_, "main"));
    return tx.merges.set(record.task_id, store::MergeState::kPrepared, tip, std::string(40, 'a'));
  });
  ASSERT_TRUE(prepared.is_ok()) << prepared.to_string();
  settle();
  EXPECT_EQ(task(id).state, TaskState::kMerged);
  EXPECT_EQ(commits_on_main(id), 1);
  auto record = store_->with([&](store::Transaction& tx) { return tx.merges.find(id); });
  ASSERT_TRUE(record.is_ok() && *record);
  EXPECT_EQ((*record)->state, store::MergeState::kDone);
}

}  // namespace
}  // namespace corral::merge
