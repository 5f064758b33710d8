// Kill switches against a real daemon with real sandboxes: a repository's
// switch stops its running agent and starts nothing until it is off, then
// the task runs again (no attempt counted, nothing learned); who may turn
// which switch; a switch survives a restart.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "tests/e2e/commit_fixture.h"

namespace corral::e2e {
namespace {

using nlohmann::json;
class KillSwitchE2E : public CommitE2E {
 protected:
  // Whether the task left the queue within a minute.
  bool starts(const std::string& task) const {
    return testing::wait_for([&] { return local("GET", "/v1/tasks/" + task).value("state", "") != "queued"; },
                             std::chrono::seconds(60));
  }
};

TEST_F(KillSwitchE2E, ARepositorysSwitchStopsItsRunAndStartsNothingUntilOff) {
  std::string owner = token("owner", "owner");
  // It is asked to stop first (SIGTERM), as a budget cut asks.
  std::string running = submit_task(
      "trap 'echo asked to stop; exit 0' TERM; echo trap set; echo started > started.txt; sleep 120 & wait; true",
      "a long run");
  ASSERT_EQ(wait_for_state(running, "running", 60)["state"], "running");
  // Its trap is set (a sandbox made is not yet a shell that set it: on a
  // loaded machine the switch came first, and nothing was there to answer).
  ASSERT_TRUE(testing::wait_for(
      [&] {
        return local("GET", "/v1/events?type=agent.output&task=" + running).dump().find("trap set") !=
               std::string::npos;
      },
      std::chrono::seconds(30)));

  std::string on = tcp("POST", "/v1/killswitches", owner,
                       json{{"on", true}, {"repo", upstream()}, {"reason", "the agent is misbehaving"}}.dump());
  ASSERT_EQ(on.substr(0, 3), "200") << on;
  // Stopped within seconds, back in the queue, not failed.
  json requeued = wait_for_state(running, "queued", 30);
  ASSERT_EQ(requeued["state"], "queued") << requeued.dump();
  EXPECT_NE(requeued["reason"].get<std::string>().find("kill switch is on"), std::string::npos) << requeued.dump();
  auto events = local("GET", "/v1/events?type=task.requeued&task=" + running)["events"];
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0]["payload"]["kill_switch"], true);
  EXPECT_EQ(local("GET", "/v1/tasks/" + running)["attempts"], 0) << "not the task's attempt";
  EXPECT_NE(local("GET", "/v1/events?type=agent.output&task=" + running).dump().find("asked to stop"),
            std::string::npos)
      << "the agent was asked before anything was killed";

  // Nothing starts under it: a new task waits too.
  std::string waiting = submit_task("echo later > later.txt; true", "after the stop");
  std::this_thread::sleep_for(std::chrono::seconds(3));
  EXPECT_EQ(local("GET", "/v1/tasks/" + waiting)["state"], "queued");
  EXPECT_EQ(local("GET", "/v1/tasks/" + running)["state"], "queued");
  auto changed = local("GET", "/v1/events?type=killswitch.changed")["events"];
  ASSERT_EQ(changed.size(), 1u);
  EXPECT_EQ(changed[0]["payload"]["by"], "owner");
  EXPECT_EQ(changed[0]["payload"]["reason"], "the agent is misbehaving");
  EXPECT_EQ(local("GET", "/v1/events?type=alert.raised")["events"].size(), 1u);

  // It survives a restart.
  stop_daemon(SIGTERM);
  start_daemon();
  ASSERT_TRUE(ready_);
  auto listed = local("GET", "/v1/killswitches")["switches"];
  ASSERT_EQ(listed.size(), 1u) << listed.dump();
  EXPECT_EQ(listed[0]["on"], true);
  std::this_thread::sleep_for(std::chrono::seconds(2));
  EXPECT_EQ(local("GET", "/v1/tasks/" + waiting)["state"], "queued");

  // Off: the queue moves again.
  std::string off = tcp("POST", "/v1/killswitches", owner,
                        json{{"on", false}, {"repo", upstream()}, {"reason", "fixed the prompt"}}.dump());
  ASSERT_EQ(off.substr(0, 3), "200") << off;
  EXPECT_TRUE(starts(waiting));
  EXPECT_NE(wait_for_state(running, "running", 60)["state"], "queued") << "the stopped task runs again";
  local("POST", "/v1/tasks/" + running + "/cancel", "{}");
}

// A switch that holds merges: approved work waits, and merges once it is off;
// one that does not hold them lets it merge.
TEST_F(KillSwitchE2E, ASwitchThatHoldsMergesKeepsApprovedWorkFromTheBranchUntilOff) {
  settings({{"pin", "supervised"}});  // one approval
  std::string reviewer = token("reviewer", "reviewer");
  std::string task = submit_task("echo held > held.txt; true", "approved during the stop");
  ASSERT_EQ(wait_for_state(task, "review", 60)["state"], "review");
  auto on = corral("kill on --repo " + quote(upstream()) + " --hold-merges --reason 'freeze the branch'");
  ASSERT_EQ(on.exit_code, 0) << on.err;
  EXPECT_NE(on.out.find("ON (merges held)"), std::string::npos) << on.out;
  ASSERT_EQ(judge(task, "approve", reviewer, diff_hash(task)).substr(0, 3), "201");
  ASSERT_EQ(wait_for_state(task, "merging", 30)["state"], "merging");
  std::this_thread::sleep_for(std::chrono::seconds(3));
  EXPECT_EQ(local("GET", "/v1/tasks/" + task)["state"], "merging") << "held while the switch is on";
  EXPECT_EQ(commits_of_task_on_main(task), 0);
  ASSERT_EQ(corral("kill off --repo " + quote(upstream()) + " --reason 'thawed'").exit_code, 0);
  EXPECT_EQ(wait_for_state(task, "merged", 60)["state"], "merged");
  EXPECT_EQ(commits_of_task_on_main(task), 1);
}

// An agent that ignores the request is killed after the grace.
TEST_F(KillSwitchE2E, AnAgentThatIgnoresTheStopIsKilledAfterTheGrace) {
  std::string stubborn = submit_task("trap '' TERM; sleep 300; true", "ignores SIGTERM");
  ASSERT_EQ(wait_for_state(stubborn, "running", 60)["state"], "running");
  ASSERT_TRUE(testing::wait_for(
      [&] { return !local("GET", "/v1/events?type=sandbox.created&task=" + stubborn)["events"].empty(); },
      std::chrono::seconds(30)));
  auto asked = std::chrono::steady_clock::now();
  ASSERT_FALSE(local("POST", "/v1/killswitches", json{{"on", true}, {"reason", "stop it"}}.dump()).contains("error"));
  json requeued = wait_for_state(stubborn, "queued", 60);
  ASSERT_EQ(requeued["state"], "queued") << requeued.dump();
  auto waited = std::chrono::steady_clock::now() - asked;
  EXPECT_GE(waited, std::chrono::seconds(9)) << "killed only after the grace (10 s)";
  EXPECT_LE(waited, std::chrono::seconds(30));
  local("POST", "/v1/tasks/" + stubborn + "/cancel", "{}");
}

TEST_F(KillSwitchE2E, OnlyAdminsTurnGlobalAndAgentSwitchesAndEveryChangeNeedsAReason) {
  std::string owner = token("owner", "owner");
  std::string admin = token("admin", "admin");
  std::string reviewer = token("reviewer", "reviewer");
  auto status = [&](const std::string& token, const json& body) {
    return tcp("POST", "/v1/killswitches", token, body.dump()).substr(0, 3);
  };
  EXPECT_EQ(status(owner, {{"on", true}, {"reason", "stop everything"}}), "403");
  EXPECT_EQ(status(owner, {{"on", true}, {"agent", "codex"}, {"reason", "r"}}), "403");
  EXPECT_EQ(status(reviewer, {{"on", true}, {"repo", upstream()}, {"reason", "r"}}), "403");
  EXPECT_EQ(status(admin, {{"on", true}}), "400") << "a reason is required";
  EXPECT_EQ(status(admin, {{"on", true}, {"reason", " "}}), "400");
  EXPECT_EQ(status(admin, {{"on", "yes"}, {"reason", "r"}}), "400");
  EXPECT_EQ(status(admin, {{"on", true}, {"repo", upstream()}, {"agent", "codex"}, {"reason", "r"}}), "400");
  EXPECT_EQ(status(admin, {{"on", true}, {"repo", "/no/such/repo"}, {"reason", "r"}}), "404");
  EXPECT_TRUE(local("GET", "/v1/killswitches")["switches"].empty()) << "refusals changed nothing";

  // The global switch: nothing starts anywhere.
  EXPECT_EQ(status(admin, {{"on", true}, {"reason", "incident 42"}}), "200");
  std::string task = submit_task("echo x > x.txt; true", "during the incident");
  std::this_thread::sleep_for(std::chrono::seconds(3));
  EXPECT_EQ(local("GET", "/v1/tasks/" + task)["state"], "queued");
  EXPECT_EQ(status(admin, {{"on", false}, {"reason", "incident over"}}), "200");
  EXPECT_TRUE(starts(task));

  // An agent profile's switch holds that agent's tasks only.
  EXPECT_EQ(status(admin, {{"on", true}, {"agent", "echo held > held.txt; true"}, {"reason", "bad profile"}}), "200");
  std::string held = submit_task("echo held > held.txt; true", "the stopped agent");
  std::string other = submit_task("echo free > free.txt; true", "another agent");
  EXPECT_TRUE(starts(other));
  EXPECT_EQ(local("GET", "/v1/tasks/" + held)["state"], "queued");
  // From the terminal: the list, and the switch turned off.
  auto listed = corral("kill list");
  ASSERT_EQ(listed.exit_code, 0) << listed.err;
  EXPECT_NE(listed.out.find("agent:echo held > held.txt; true ON"), std::string::npos) << listed.out;
  EXPECT_NE(listed.out.find("global off"), std::string::npos) << listed.out;
  auto off = corral("kill off --agent 'echo held > held.txt; true' --reason 'profile fixed'");
  ASSERT_EQ(off.exit_code, 0) << off.err;
  EXPECT_TRUE(starts(held));
  EXPECT_NE(corral("kill on --reason ''").exit_code, 0) << "an empty reason is refused";
}

}  // namespace
}  // namespace corral::e2e
