// The commit step end to end: a real daemon, real sandboxes, a bare upstream
// repository, reviewers with tokens. Work reaches main only through it, and
// nothing anyone asks for can drop a commit from main.
#include <thread>

#include "tests/e2e/commit_fixture.h"

namespace corral::e2e {
namespace {

using json = nlohmann::json;

TEST_F(CommitE2E, SixteenApprovedTasksAllLandAndUpstreamMatches) {
  settings({{"pin", "supervised"}});  // one approval each
  std::string reviewer = token("rita", "reviewer");
  std::vector<std::string> tasks;
  for (int i = 0; i < 16; ++i) {
    std::string file = "feature/f" + std::to_string(i) + ".txt";
    tasks.push_back(
        submit_task("mkdir -p feature && echo " + std::to_string(i) + " > " + file + "; true", "add " + file));
  }
  for (const std::string& task : tasks) ASSERT_EQ(wait_for_state(task, "review", 120)["state"], "review") << task;
  for (const std::string& task : tasks) {
    ASSERT_EQ(judge(task, "approve", reviewer, diff_hash(task)).substr(0, 3), "201") << task;
  }
  for (const std::string& task : tasks) {
    auto done = wait_for_state(task, "merged", 120);
    ASSERT_EQ(done["state"], "merged") << done.dump();
  }
  for (int i = 0; i < 16; ++i) {
    EXPECT_EQ(upstream_file("main", "feature/f" + std::to_string(i) + ".txt"), std::to_string(i) + "\n");
    EXPECT_EQ(commits_of_task_on_main(tasks[i]), 1) << tasks[i];
  }
  EXPECT_EQ(upstream_git("rev-list --count " + base_ + "..main"), "16");
  EXPECT_EQ(
      sh_ok("git -C " + quote(data() + "/mirrors/" + upstream_id_ + ".git") + " rev-parse refs/shared/heads/main"),
      upstream_git("rev-parse main"));
  EXPECT_EQ(count_events("merge.completed"), 16);
  EXPECT_EQ(corral("audit verify").exit_code, 0);
}

TEST_F(CommitE2E, TwoTasksOnTheSameLinesTheSecondConflictsAndLosesNothing) {
  settings({{"pin", "autonomous"}});
  json from_base = {{"base", base_}};
  std::string first = submit_task("printf 'first\\n' > README.md; true", "first", from_base);
  ASSERT_EQ(wait_for_state(first, "merged", 60)["state"], "merged");
  std::string second = submit_task("printf 'second\\n' > README.md; true", "second", from_base);
  auto conflicted = wait_for_state(second, "conflicted", 60);
  ASSERT_EQ(conflicted["state"], "conflicted") << conflicted.dump();
  EXPECT_NE(conflicted["reason"].get<std::string>().find("README.md"), std::string::npos) << conflicted.dump();
  EXPECT_EQ(upstream_file("main", "README.md"), "first\n");
  EXPECT_EQ(upstream_file("corral/" + second, "README.md"), "second\n") << "its work is kept on its branch";
  EXPECT_EQ(count_events("merge.conflicted", second), 1);
  // Sent back: a retry runs the agent again on the new tip, and then it merges.
  EXPECT_EQ(local("POST", "/v1/tasks/" + second + "/retry", "{}")["state"], "queued");
  ASSERT_EQ(wait_for_state(second, "merged", 60)["state"], "merged");
  EXPECT_EQ(upstream_file("main", "README.md"), "second\n");
  EXPECT_EQ(commits_of_task_on_main(first), 1);
}

// The incident this product exists to prevent.
TEST_F(CommitE2E, ARerunCannotReplaceTheBranchAndOtherWorkSurvives) {
  settings({{"pin", "autonomous"}});
  std::string a =
      submit_task("mkdir -p migrations && echo 'create table t;' > migrations/001.sql; true", "add a migration");
  ASSERT_EQ(wait_for_state(a, "merged", 60)["state"], "merged");
  std::string b = submit_task("echo one > b1.txt; echo two > b2.txt; echo three > b3.txt; true",
                              "build on the migration", {{"parents", {a}}});
  ASSERT_EQ(wait_for_state(b, "merged", 60)["state"], "merged");
  std::string tip = upstream_git("rev-parse main");

  // A, "from scratch": the same job on the old base, a clean branch without B.
  std::string rerun = submit_task("mkdir -p migrations && echo 'create table t2;' > migrations/001.sql; true",
                                  "add a migration, from scratch", {{"base", base_}});
  auto ended = wait_for_state(rerun, "conflicted", 60);
  ASSERT_EQ(ended["state"], "conflicted") << ended.dump();
  std::string clean_branch = upstream_git("rev-parse corral/" + rerun);

  // ... and then tries to make that clean branch main, with force and without.
  for (const std::string& flags : {std::string("--force"), std::string()}) {
    auto refused = corral("repo move-branch " + quote(upstream()) + " main " + clean_branch + " " + flags);
    EXPECT_NE(refused.exit_code, 0);
    EXPECT_NE(refused.err.find("refused"), std::string::npos) << refused.err;
    EXPECT_NE(refused.err.find("2 commit(s) would have been lost"), std::string::npos) << refused.err;
  }
  auto deleted = corral("repo move-branch " + quote(upstream()) + " main --delete");
  EXPECT_NE(deleted.exit_code, 0);
  EXPECT_EQ(upstream_git("rev-parse main"), tip) << "main never moved";
  for (const char* file : {"b1.txt", "b2.txt", "b3.txt"}) EXPECT_NE(upstream_file("main", file), "") << file;
  EXPECT_EQ(upstream_file("main", "migrations/001.sql"), "create table t;\n");

  EXPECT_EQ(count_events("merge.refused"), 3);
  json alert = last_event("alert.raised");
  ASSERT_FALSE(alert.is_null());
  std::string lost = alert["payload"]["lost"].dump();
  EXPECT_NE(lost.find(upstream_git("log -1 --format=%H --grep=" + quote("Corral-Task: " + b) + " main")),
            std::string::npos)
      << "the alert names B's commit: " << lost;
  EXPECT_NE(lost.find(upstream_git("log -1 --format=%H --grep=" + quote("Corral-Task: " + a) + " main")),
            std::string::npos)
      << "and A's: " << lost;
  // A forward move is still allowed.
  std::string forward = sh_ok("cd " + quote(repo()) + " && git fetch -q " + quote(upstream()) +
                              " main && git checkout -q FETCH_HEAD && echo ok > forward.txt && git add -A && "
                              "git -c user.name=o -c user.email=o@x commit -q -m forward && git push -q " +
                              quote(upstream()) + " HEAD:refs/heads/owner-work && git rev-parse HEAD");
  auto moved = corral("repo move-branch " + quote(upstream()) + " main " + forward);
  EXPECT_EQ(moved.exit_code, 0) << moved.err;
  EXPECT_EQ(upstream_git("rev-parse main"), forward);
}

TEST_F(CommitE2E, ApprovalRulesCannotBeTalkedAround) {
  std::string owner = token("olivia", "owner");
  std::string agent = token("run-token", "agent");
  std::string rita = token("rita", "reviewer");
  std::string sam = token("sam", "reviewer");
  json body = {{"repo", upstream()}, {"agent", "echo x > x.txt; true"}, {"prompt", "by olivia"}};
  std::string created = tcp("POST", "/v1/tasks", owner, body.dump());
  ASSERT_EQ(created.substr(0, 3), "201") << created;
  std::string task = json::parse(created.substr(4))["id"];
  ASSERT_EQ(wait_for_state(task, "review", 60)["state"], "review");
  std::string hash = diff_hash(task);
  EXPECT_EQ(local("GET", "/v1/reviews/" + task)["approvals_required"], 2) << "a new repository starts at observe";

  std::string self = judge(task, "approve", owner, hash);
  EXPECT_EQ(self.substr(0, 3), "403") << self;
  EXPECT_NE(self.find("may not review it"), std::string::npos) << self;
  std::string by_agent = judge(task, "approve", agent, hash);
  EXPECT_EQ(by_agent.substr(0, 3), "403") << by_agent;
  EXPECT_NE(by_agent.find("agent"), std::string::npos) << by_agent;
  std::string stale = judge(task, "approve", rita, std::string(64, '0'));
  EXPECT_EQ(stale.substr(0, 3), "409") << stale;
  EXPECT_NE(stale.find("changed since"), std::string::npos) << stale;
  EXPECT_EQ(count_events("approval.granted", task), 0) << "none of those counted";

  EXPECT_EQ(judge(task, "approve", rita, hash).substr(0, 3), "201");
  EXPECT_EQ(judge(task, "approve", rita, hash).substr(0, 3), "409") << "one verdict per reviewer";
  EXPECT_EQ(local("GET", "/v1/tasks/" + task)["state"], "review");
  EXPECT_EQ(judge(task, "approve", sam, hash).substr(0, 3), "201");
  EXPECT_EQ(wait_for_state(task, "merged", 60)["state"], "merged");

  std::string other = submit_task("echo y > y.txt; true", "to be rejected");
  ASSERT_EQ(wait_for_state(other, "review", 60)["state"], "review");
  EXPECT_EQ(judge(other, "reject", rita, diff_hash(other)).substr(0, 3), "400") << "a rejection needs a reason";
  EXPECT_EQ(judge(other, "reject", rita, diff_hash(other), "wrong approach").substr(0, 3), "201");
  auto rejected = local("GET", "/v1/tasks/" + other);
  EXPECT_EQ(rejected["state"], "rejected");
  EXPECT_EQ(rejected["reason"], "wrong approach");
  EXPECT_EQ(upstream_file("main", "y.txt"), "");
}

TEST_F(CommitE2E, TheDiffRulesRefuseWhatMustNeverLand) {
  settings({{"pin", "autonomous"}});
  std::string workflow =
      submit_task("mkdir -p .github/workflows && echo 'on: push' > .github/workflows/ci.yml; true", "tweak CI");
  auto refused = wait_for_state(workflow, "refused", 60);
  ASSERT_EQ(refused["state"], "refused") << refused.dump();
  EXPECT_NE(refused["reason"].get<std::string>().find("forbidden_path at .github/workflows/ci.yml"), std::string::npos)
      << refused.dump();
  // A made-up key in AWS's format (AWS's own documentation key, …EXAMPLE, is let through).
  std::string secret = submit_task("echo 'aws_key = \"AKIAQ7V2M4N8K3J6H5G1\"' > config.py; true", "configure");
  refused = wait_for_state(secret, "refused", 60);
  EXPECT_NE(refused["reason"].get<std::string>().find("secret at config.py:1"), std::string::npos) << refused.dump();
  // An agent editing its own instructions needs a human even at the top tier.
  std::string instructions = submit_task("echo 'be bold' >> AGENTS.md; true", "self-modify");
  EXPECT_EQ(wait_for_state(instructions, "review", 60)["state"], "review");
  EXPECT_EQ(local("GET", "/v1/reviews/" + instructions)["approvals_required"], 1);
  EXPECT_EQ(upstream_git("rev-parse main"), base_) << "nothing landed";
}

TEST_F(CommitE2E, TheCheckCommandRunsInASandboxOnTheMergedResult) {
  settings({{"pin", "autonomous"}, {"check_command", "cat ready.txt && test -f ready.txt"}});
  std::string failing = submit_task("echo no > other.txt; true", "without the file the check needs");
  auto failed = wait_for_state(failing, "checks_failed", 60);
  ASSERT_EQ(failed["state"], "checks_failed") << failed.dump();
  json check = last_event("check.failed");
  EXPECT_EQ(check["payload"]["check"], "command");
  EXPECT_NE(check["payload"]["exit_code"], 0);
  std::string passing = submit_task("echo yes > ready.txt; true", "with it");
  ASSERT_EQ(wait_for_state(passing, "merged", 60)["state"], "merged");
  auto output = local("GET", "/v1/events?type=check.output&task=" + passing);
  ASSERT_FALSE(output["events"].empty());
  EXPECT_NE(output["events"][0]["payload"].dump().find("yes"), std::string::npos) << "the check saw the merged tree";
  EXPECT_EQ(upstream_file("main", "ready.txt"), "yes\n");
  EXPECT_EQ(upstream_file("main", "other.txt"), "") << "the failing task never landed";
  expect_no_leftovers();
}

TEST_F(CommitE2E, ARollbackRevertsThroughTheSameForwardOnlyPath) {
  settings({{"pin", "autonomous"}});
  std::string task = submit_task("echo bad > bad.txt; true", "introduce a bug");
  ASSERT_EQ(wait_for_state(task, "merged", 60)["state"], "merged");
  std::string merged_tip = upstream_git("rev-parse main");
  auto rolled = corral("task rollback " + task + " --reason 'broke the build'");
  ASSERT_EQ(rolled.exit_code, 0) << rolled.err;
  EXPECT_EQ(local("GET", "/v1/tasks/" + task)["state"], "rolled_back");
  EXPECT_EQ(upstream_file("main", "bad.txt"), "");
  EXPECT_EQ(upstream_git("rev-parse main^"), merged_tip) << "a revert on top, history kept";
  EXPECT_NE(upstream_git("log -1 --format=%B main").find("Corral-Rollback-Of: " + task), std::string::npos);
  EXPECT_EQ(count_events("rollback.recorded", task), 1);
  EXPECT_NE(corral("task rollback " + task + " --reason again").exit_code, 0) << "once";
}

TEST_F(CommitE2E, HistoryRewrittenOutsideCorralStopsMergesWithAnAlert) {
  settings({{"pin", "autonomous"}});
  std::string first = submit_task("echo 1 > one.txt; true", "one");
  ASSERT_EQ(wait_for_state(first, "merged", 60)["state"], "merged");
  upstream_git("update-ref refs/heads/main " + base_);  // someone force-pushed main back
  std::string second = submit_task("echo 2 > two.txt; true", "two");
  auto stopped = wait_for_state(second, "merge_failed", 60);
  ASSERT_EQ(stopped["state"], "merge_failed") << stopped.dump();
  EXPECT_NE(stopped["reason"].get<std::string>().find("no longer contains 1 commit(s)"), std::string::npos);
  EXPECT_EQ(last_event("alert.raised")["payload"]["kind"], "shared_history_lost");
  EXPECT_EQ(upstream_git("rev-parse main"), base_);
}

TEST_F(CommitE2E, StackedTasksMergeInDagOrderWhateverTheApprovalOrder) {
  settings({{"pin", "supervised"}});
  std::string rita = token("rita", "reviewer");
  std::string parent = submit_task("echo p > parent.txt; true", "parent");
  std::string child = submit_task("cat parent.txt > child.txt; true", "child", {{"parents", {parent}}});
  ASSERT_EQ(wait_for_state(child, "review", 60)["state"], "review");
  ASSERT_EQ(wait_for_state(parent, "review", 60)["state"], "review");
  ASSERT_EQ(judge(child, "approve", rita, diff_hash(child)).substr(0, 3), "201");
  std::this_thread::sleep_for(std::chrono::milliseconds(800));  // several commit-step passes
  EXPECT_EQ(local("GET", "/v1/tasks/" + child)["state"], "merging") << "waits for its parent";
  EXPECT_EQ(upstream_git("rev-parse main"), base_);
  ASSERT_EQ(judge(parent, "approve", rita, diff_hash(parent)).substr(0, 3), "201");
  ASSERT_EQ(wait_for_state(child, "merged", 60)["state"], "merged");
  EXPECT_EQ(upstream_git("log --format=%s main -2"), "corral: child\ncorral: parent");
  EXPECT_EQ(upstream_file("main", "child.txt"), "p\n");
}

TEST_F(CommitE2E, AParentThatWillNeverMergeHoldsItsMergingChild) {
  settings({{"pin", "supervised"}});
  std::string rita = token("rita", "reviewer");
  std::string parent = submit_task("echo p > parent.txt; true", "parent");
  std::string child = submit_task("echo c > child.txt; true", "child", {{"parents", {parent}}});
  ASSERT_EQ(wait_for_state(child, "review", 60)["state"], "review");
  ASSERT_EQ(judge(child, "approve", rita, diff_hash(child)).substr(0, 3), "201");
  ASSERT_EQ(judge(parent, "reject", rita, diff_hash(parent), "not this way").substr(0, 3), "201");
  auto held = wait_for_state(child, "held", 60);
  ASSERT_EQ(held["state"], "held") << held.dump();
  EXPECT_NE(held["reason"].get<std::string>().find("parent " + parent + " rejected"), std::string::npos);
  EXPECT_EQ(upstream_git("rev-parse main"), base_);
}

TEST_F(CommitE2E, AnAgentThatAsksForAHumanGetsOneEvenAtTheTopTier) {
  settings({{"pin", "autonomous"}});
  std::string task = submit_task(
      "echo x > schema.sql; $CORRAL_REPORT confidence 0.4 unsure about the index; "
      "$CORRAL_REPORT escalate please check the migration; true",
      "change the schema");
  auto reviewed = wait_for_state(task, "review", 60);
  ASSERT_EQ(reviewed["state"], "review") << "not merged on its own: " << reviewed.dump();
  EXPECT_EQ(local("GET", "/v1/reviews/" + task)["approvals_required"], 1);
  EXPECT_EQ(last_event("agent.escalation")["payload"]["reason"], "please check the migration");
  EXPECT_EQ(last_event("agent.confidence")["payload"]["value"], 0.4);
  EXPECT_EQ(last_event("approval.requested")["payload"]["escalation"], "please check the migration");
  auto output = local("GET", "/v1/events?type=agent.output&task=" + task);
  EXPECT_EQ(output.dump().find("corral-report"), std::string::npos) << "reports are not output";
}

// The upstream moves (someone else's push) while corral publishes: the
// publish is refused, corral withdraws its tip and merges again on the new one.
class UpstreamMoves : public CommitE2E {
 protected:
  void SetUp() override {
    CommitE2E::SetUp();
    stop_daemon(SIGTERM);
    start_daemon("--test-pause-at merge_publish");
    ASSERT_TRUE(ready_);
  }
};

TEST_F(UpstreamMoves, DuringAMergeCorralStartsOverOnTheNewTipAndKeepsBoth) {
  settings({{"pin", "autonomous"}});
  std::string task = submit_task("echo mine > mine.txt; true", "mine");
  std::string merges_query = "sqlite3 " + quote(data() + "/corral.db") + " \"SELECT state FROM merges\"";
  ASSERT_TRUE(testing::wait_for([&] { return sh(merges_query).out == "advanced\n"; }, std::chrono::seconds(60)));
  std::string theirs = sh_ok("cd " + quote(repo()) +
                             " && echo theirs > theirs.txt && git add -A && "
                             "git -c user.name=o -c user.email=o@x commit -q -m theirs && git push -q " +
                             quote(upstream()) + " HEAD:main && git rev-parse HEAD");
  ASSERT_EQ(wait_for_state(task, "merged", 60)["state"], "merged");
  EXPECT_EQ(upstream_git("rev-parse main^"), theirs) << "corral's commit on top of theirs";
  EXPECT_EQ(upstream_file("main", "theirs.txt"), "theirs\n");
  EXPECT_EQ(upstream_file("main", "mine.txt"), "mine\n");
  EXPECT_EQ(commits_of_task_on_main(task), 1);
}

// SIGKILL between corral's record of main moving and the upstream being told,
// and between the upstream taking it and the task being marked merged: after
// a restart the task is merged exactly once.
class MergeCrash : public CommitE2E, public ::testing::WithParamInterface<std::string> {};

TEST_P(MergeCrash, AfterARestartTheTaskIsMergedExactlyOnce) {
  settings({{"pin", "autonomous"}});
  stop_daemon(SIGTERM);
  start_daemon("--test-pause-at " + GetParam());
  ASSERT_TRUE(ready_);
  std::string task = submit_task("echo once > once.txt; true", "merge me once");
  ASSERT_EQ(wait_for_state(task, "merging", 60)["state"], "merging");
  std::string merges_query = "sqlite3 " + quote(data() + "/corral.db") + " \"SELECT state FROM merges\"";
  // Wait for the window: corral's record moved (the intent log says so), and
  // for merge_finish the upstream took the commit too.
  bool at_finish = GetParam() == "merge_finish";
  ASSERT_TRUE(testing::wait_for(
      [&] { return sh(merges_query).out == "advanced\n" && (!at_finish || upstream_git("rev-parse main") != base_); },
      std::chrono::seconds(30)))
      << sh(merges_query).out;
  EXPECT_EQ(upstream_git("rev-parse main") != base_, at_finish);
  EXPECT_EQ(local("GET", "/v1/tasks/" + task)["state"], "merging");
  stop_daemon(SIGKILL);
  start_daemon();
  ASSERT_TRUE(ready_);
  ASSERT_EQ(wait_for_state(task, "merged", 60)["state"], "merged");
  EXPECT_EQ(commits_of_task_on_main(task), 1);
  EXPECT_EQ(upstream_file("main", "once.txt"), "once\n");
  EXPECT_EQ(count_events("merge.completed", task), 1);
  EXPECT_EQ(sh(merges_query).out, "done\n");
  EXPECT_EQ(corral("audit verify").exit_code, 0);
}

INSTANTIATE_TEST_SUITE_P(Points, MergeCrash, ::testing::Values("merge_publish", "merge_finish"));

}  // namespace
}  // namespace corral::e2e
