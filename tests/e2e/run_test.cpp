// `corral run` end to end: real repository, real runc sandbox, scripted agent.
#include <chrono>

#include "tests/e2e/e2e_fixture.h"

namespace corral::e2e {
namespace {

TEST_F(CorralE2E, ScriptedAgentsChangesLandOnTheTaskBranchExactly) {
  std::string main_before = git("rev-parse main");
  auto result = run_agent("sh " + agent("edit_files.sh"), "tidy up the docs");
  ASSERT_EQ(result.exit_code, 0) << result.err;
  nlohmann::json out = parse(result);
  std::string task = out["task_id"];
  std::string branch = out["branch"];
  EXPECT_EQ(branch, "corral/" + task);
  EXPECT_EQ(out["status"], "succeeded");
  EXPECT_EQ(out["base"], main_before);
  EXPECT_TRUE(out["published"].get<bool>());

  // The owner inspects it with plain git.
  EXPECT_EQ(git("rev-parse " + branch), out["head"]);
  EXPECT_EQ(git("rev-parse " + branch + "^"), main_before);
  EXPECT_EQ(git("diff --name-status -M main " + branch),
            "A\tPROMPT.txt\n"
            "M\tREADME.md\n"
            "R100\tdocs/old-name.txt\tdocs/new-name.txt\n"
            "M\tscripts/run.sh\n"
            "D\tsrc/app.c\n"
            "A\tsrc/helper.c");
  EXPECT_EQ(file_on_branch(branch, "PROMPT.txt"), "tidy up the docs\n");
  EXPECT_EQ(git("ls-tree " + branch + " scripts/run.sh").substr(0, 6), "100755");
  EXPECT_EQ(git("show -s --format=%an " + branch), "corral");
  EXPECT_NE(git("show -s --format=%B " + branch).find("Corral-Task: " + task), std::string::npos);
  EXPECT_EQ(git("rev-parse main"), main_before) << "main never moves";

  EXPECT_EQ(out["diff"]["files_changed"], 6);
  std::string numstat = git("diff --numstat -M main " + branch + " | awk '{s+=$1; d+=$2} END {print s, d}'");
  EXPECT_EQ(numstat, std::to_string(out["diff"]["insertions"].get<int>()) + " " +
                         std::to_string(out["diff"]["deletions"].get<int>()));
  expect_no_leftovers();
}

TEST_F(CorralE2E, EveryStepIsAnEventInAnIntactChain) {
  auto result = run_agent("sh " + agent("edit_files.sh"), "do it");
  ASSERT_EQ(result.exit_code, 0) << result.err;
  std::string task = parse(result)["task_id"];
  std::vector<std::string> types = event_types(task);
  std::vector<std::string> expected_order = {"task.queued",      "task.started",      "task.routed",
                                             "sandbox.created",  "agent.output",      "diff.proposed",
                                             "branch.published", "sandbox.destroyed", "task.finished"};
  auto position = types.begin();
  for (const std::string& type : expected_order) {
    position = std::find(position, types.end(), type);
    EXPECT_NE(position, types.end()) << "missing or out of order: " << type;
  }
  auto events = corral("events " + task);
  EXPECT_NE(events.out.find("scripted agent working on: do it"), std::string::npos) << events.out;

  auto audit = corral("audit verify --json");
  EXPECT_EQ(audit.exit_code, 0);
  EXPECT_TRUE(parse(audit)["intact"].get<bool>());
  EXPECT_EQ(parse(audit)["events_checked"], static_cast<int>(types.size()));
}

TEST_F(CorralE2E, HumanOutputSaysWhatHappened) {
  auto result = corral("run --repo " + quote(repo()) + " --mount-ro " + quote(agents() + ":/opt/agents") + " --agent " +
                       quote("sh " + agent("edit_files.sh")) + " --show-diff 'edit'");
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(result.out.find("outcome: agent succeeded"), std::string::npos) << result.out;
  EXPECT_NE(result.out.find("R docs/old-name.txt -> docs/new-name.txt"), std::string::npos) << result.out;
  EXPECT_NE(result.out.find("6 file(s) changed"), std::string::npos);
  EXPECT_NE(result.out.find("+++ b/src/helper.c"), std::string::npos);
  EXPECT_NE(result.err.find("scripted agent working on: edit"), std::string::npos) << "output echoed live";
}

TEST_F(CorralE2E, AFailingAgentExitsNonZeroWithTheReasonAndKeepsItsWork) {
  auto result = run_agent("echo partial > partial.txt; exit 3", "try");
  EXPECT_EQ(result.exit_code, 1);
  nlohmann::json out = parse(result);
  EXPECT_EQ(out["status"], "failed");
  EXPECT_EQ(out["reason"], "agent exited with status 3");
  EXPECT_NE(result.err.find("agent exited with status 3"), std::string::npos);
  EXPECT_EQ(file_on_branch(out["branch"], "partial.txt"), "partial\n");
  std::vector<std::string> types = event_types(out["task_id"]);
  EXPECT_EQ(types.back(), "task.failed");
  expect_no_leftovers();
}

// git works inside the workspace (status, log, diff, commit) on a repository
// of its own: the agent's commits stay there, the history is read-only, and
// the task's branch holds corral's one commit of the tree.
TEST_F(CorralE2E, GitWorksInsideTheWorkspaceAndReachesNothingOutside) {
  auto result = corral("run --repo " + quote(repo()) + " --mount-ro " + quote(agents() + ":/opt/agents") + " --agent " +
                       quote(agent("uses_git.sh")) + " 'use git'");
  ASSERT_EQ(result.exit_code, 0) << result.out << result.err;
  std::string said = result.out + result.err;
  EXPECT_NE(said.find("status:[]"), std::string::npos) << "a clean checkout at the start: " << said;
  EXPECT_NE(said.find("log:[initial"), std::string::npos) << "the history is there: " << said;
  EXPECT_NE(said.find("diff:[ 1 file changed, 1 insertion(+)]"), std::string::npos) << said;
  EXPECT_NE(said.find("committed:[the agent's own commit]"), std::string::npos) << said;
  EXPECT_NE(said.find("after:[]"), std::string::npos) << said;
  EXPECT_NE(said.find("objects:read-only"), std::string::npos) << said;
  std::string branch = git("for-each-ref --format='%(refname:short)' refs/heads/corral/");
  ASSERT_FALSE(branch.empty());
  if (branch.back() == '\n') branch.pop_back();
  EXPECT_NE(file_on_branch(branch, "README.md").find("changed by the agent"), std::string::npos);
  EXPECT_EQ(file_on_branch(branch, ".git"), "") << "the agent's repository is not part of the change";
  EXPECT_EQ(git("log --all --format=%s --grep=own"), "") << "the agent's commit stays in its workspace";
}

// Collection trusts corral's own stat cache of the checkout, never the
// agent's word: a file rewritten in place at the same size with its mtime put
// back is still collected (its ctime moved, which no agent can set back).
TEST_F(CorralE2E, AChangeDisguisedAsUntouchedIsStillCollected) {
  std::string before = file_on_branch("main", "README.md");
  ASSERT_FALSE(before.empty());
  std::string agent =
      "t=$(stat -c %y README.md); sleep 1; printf Z | dd of=README.md bs=1 count=1 conv=notrunc 2>/dev/null; "
      "touch -d \"$t\" README.md";
  for (const char* workspace : {"--workspace worktree", "--workspace auto"}) {
    auto out = parse(run_agent(agent, "disguise a change", workspace));
    ASSERT_EQ(out["status"], "succeeded") << workspace << ": " << out.dump();
    ASSERT_TRUE(out["branch"].is_string()) << workspace << ": the change was found: " << out.dump();
    std::string after = file_on_branch(out["branch"].get<std::string>(), "README.md");
    EXPECT_EQ(after.size(), before.size());
    EXPECT_EQ(after[0], 'Z') << workspace << ": " << after;
  }
}

// Each run says in sandbox.created how its workspace was made (an overlay on
// the cached checkout, or a worktree when asked or when overlayfs cannot be
// used), and both ways leave nothing behind.
TEST_F(CorralE2E, SandboxCreatedSaysWhichWorkspaceTheRunHad) {
  for (auto [flag, kind] : {std::pair{"", "overlay"}, {"--workspace worktree", "worktree"}}) {
    auto result = run_agent("sh " + agent("edit_files.sh"), "edit", flag);
    ASSERT_EQ(result.exit_code, 0) << result.err;
    auto events = corral("events --json " + parse(result)["task_id"].get<std::string>());
    std::istringstream lines(events.out);
    nlohmann::json created;
    for (std::string line; std::getline(lines, line);) {
      auto event = nlohmann::json::parse(line);
      if (event["type"] == "sandbox.created") created = event["payload"];
    }
    EXPECT_EQ(created["workspace"]["kind"], kind) << created.dump();
    EXPECT_FALSE(created["workspace"].contains("why_not_overlay")) << created.dump();
    expect_no_leftovers();
  }
}

TEST_F(CorralE2E, NoChangesMeansNoBranch) {
  auto result = run_agent("true", "look only");
  ASSERT_EQ(result.exit_code, 0) << result.err;
  nlohmann::json out = parse(result);
  EXPECT_TRUE(out["branch"].is_null());
  EXPECT_EQ(out["head"], out["base"]);
  EXPECT_EQ(git("branch --list 'corral/*'"), "");
  expect_no_leftovers();
}

TEST_F(CorralE2E, StartsFromTheGivenBase) {
  std::string first = git("rev-parse HEAD");
  sh_ok("cd " + quote(repo()) +
        " && echo two > two.txt && git add two.txt && "
        "git -c user.name=x -c user.email=x@x commit -q -m two");
  auto result = corral("run --json --repo " + quote(repo()) + " --base " + first.substr(0, 10) +
                       " --agent 'ls > listing.txt; true' 'list'");
  ASSERT_EQ(result.exit_code, 0) << result.err;
  nlohmann::json out = parse(result);
  EXPECT_EQ(out["base"], first);
  EXPECT_EQ(file_on_branch(out["branch"], "listing.txt").find("two.txt"), std::string::npos);
}

TEST_F(CorralE2E, TheTimeoutEndsTheRun) {
  auto started = std::chrono::steady_clock::now();
  auto result = run_agent("sh " + agent("endless.sh"), "loop", "--timeout 2");
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_EQ(parse(result)["reason"], "timed out after 2 s");
  EXPECT_TRUE(parse(result)["timed_out"].get<bool>());
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(20));
  expect_no_leftovers();
}

TEST_F(CorralE2E, DataDirectoryComesFromTheEnvironment) {
  auto result = sh("CORRAL_DATA_DIR=" + quote(dir_ / "env-data") + " " + quote(testing::corral_binary()) +
                   " run --json --repo " + quote(repo()) + " --agent 'echo x > x.txt' 'x'");
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_TRUE(std::filesystem::exists(dir_ / "env-data/corral.db"));
  EXPECT_FALSE(std::filesystem::exists(data()));
}

}  // namespace
}  // namespace corral::e2e
