// KPI routing end to end: a repository earns a tier from merged work, loses
// it at once on a rollback, and the next task is routed with the lower
// tier's grant and approvals; owners replay history under other settings.
#include "tests/e2e/commit_fixture.h"

namespace corral::e2e {
namespace {

using json = nlohmann::json;

class RoutingE2E : public CommitE2E {
 protected:
  // Merges one task through two approvals (the observe tier) or one.
  std::string merge_one(const std::string& file) {
    std::string task =
        submit_task("echo " + file + " > " + file + "; true", "add " + file, {{"timeout_seconds", 3600}});
    auto reviewed = wait_for_state(task, "review", 60);
    EXPECT_EQ(reviewed["state"], "review") << reviewed.dump();
    int required = local("GET", "/v1/reviews/" + task)["approvals_required"];
    std::string hash = diff_hash(task);
    for (int i = 0; i < required; ++i) judge(task, "approve", reviewers_[i], hash);
    EXPECT_EQ(wait_for_state(task, "merged", 60)["state"], "merged");
    return task;
  }

  json routed(const std::string& task) const {
    auto page = local("GET", "/v1/events?type=task.routed&task=" + task);
    return page["events"].empty() ? json() : page["events"].back()["payload"];
  }

  std::vector<std::string> reviewers_;
};

TEST_F(RoutingE2E, MergedWorkEarnsATierARollbackTakesItAwayAtOnce) {
  settings(
      {{"thresholds", {{"supervised", {{"min_samples", 2}, {"min_success_lower", 0.3}, {"max_rollback_upper", 0.6}}}}},
       {"promotion_gap", 2}});
  reviewers_ = {token("rita", "reviewer"), token("sam", "reviewer")};
  std::string first = merge_one("one.txt");
  EXPECT_EQ(routed(first)["tier"], "observe");
  EXPECT_EQ(routed(first)["grant"]["timeout_seconds"], 600) << "held to observe's ceiling";
  EXPECT_EQ(routed(first)["held_to_tier"], "timeout");
  std::string second = merge_one("two.txt");
  auto shown = local("GET", "/v1/repos/" + upstream_id_);
  EXPECT_EQ(shown["tier"]["in_force"], "supervised") << shown.dump();
  EXPECT_EQ(shown["tier"]["rule"], "promoted");
  EXPECT_EQ(shown["kpis"]["overall"]["merged"], 2);
  json promoted = last_event("tier.changed")["payload"];
  EXPECT_EQ(promoted["to"], "supervised");
  EXPECT_NE(promoted["reason"].get<std::string>().find("lower bound"), std::string::npos) << promoted.dump();
  EXPECT_EQ(promoted["thresholds"]["min_samples"], 2);

  std::string third = merge_one("three.txt");
  EXPECT_EQ(routed(third)["tier"], "supervised");
  EXPECT_EQ(routed(third)["grant"]["timeout_seconds"], 1200);
  EXPECT_EQ(routed(third)["approvals"], 1);

  ASSERT_EQ(corral("task rollback " + second + " --reason 'broke the nightly build'").exit_code, 0);
  json demoted = last_event("tier.changed")["payload"];
  EXPECT_EQ(demoted["to"], "observe");
  EXPECT_EQ(demoted["rule"], "demoted: rollback");
  EXPECT_EQ(local("GET", "/v1/repos/" + upstream_id_)["tier"]["in_force"], "observe");

  // The next task is routed, reviewed and granted as the lower tier says.
  std::string next = submit_task("echo four > four.txt; true", "after the rollback", {{"timeout_seconds", 3600}});
  ASSERT_EQ(wait_for_state(next, "review", 60)["state"], "review");
  EXPECT_EQ(routed(next)["tier"], "observe");
  EXPECT_EQ(routed(next)["grant"]["timeout_seconds"], 600);
  EXPECT_EQ(local("GET", "/v1/reviews/" + next)["approvals_required"], 2);
  auto sandbox = local("GET", "/v1/events?type=sandbox.created&task=" + next);
  EXPECT_EQ(sandbox["events"][0]["payload"]["timeout_seconds"], 600);

  // And the owner can see what stricter settings would have done.
  testing::write_file(dir_ / "stricter.json", R"({"thresholds": {"supervised": {"min_samples": 50}}})");
  auto simulated =
      corral("routing simulate " + quote(upstream()) + " --settings " + quote(dir_ / "stricter.json") + " --json");
  ASSERT_EQ(simulated.exit_code, 0) << simulated.err;
  json replay = json::parse(simulated.out);
  EXPECT_EQ(replay["outcomes"], 4);
  EXPECT_EQ(replay["steps"][1]["now"]["tier_after"], "supervised");
  EXPECT_EQ(replay["steps"][1]["tier_after"], "observe") << "never promoted under the stricter settings";
  EXPECT_EQ(replay["steps"][2]["now"]["granted"]["tier"], "supervised");
  EXPECT_EQ(replay["steps"][2]["granted"]["approvals"], 2);
  EXPECT_EQ(replay["steps_with_a_different_tier"], 2);
  EXPECT_EQ(local("GET", "/v1/repos/" + upstream_id_)["settings"]["thresholds"]["supervised"]["min_samples"], 2)
      << "simulating changed nothing";
  auto human = corral("routing simulate " + quote(upstream()) + " --settings " + quote(dir_ / "stricter.json"));
  EXPECT_NE(human.out.find("the tier is observe now and would be observe"), std::string::npos) << human.out;
}

// Settings history from the command line: a change with its reason, the
// history, a rollback that restores a version exactly, and a simulation of
// an earlier version.
TEST_F(RoutingE2E, AnOwnerSeesTheSettingsHistoryAndRollsBackOneVersion) {
  json original = local("GET", "/v1/repos/" + upstream_id_)["settings"];
  auto set = corral("repo set " + quote(upstream()) + " --check 'make quick' --reason 'faster checks'");
  ASSERT_EQ(set.exit_code, 0) << set.err;
  auto history = corral("repo history " + quote(upstream()));
  ASSERT_EQ(history.exit_code, 0) << history.err;
  EXPECT_NE(history.out.find("(the settings before their history began)"), std::string::npos) << history.out;
  EXPECT_NE(history.out.find("because: faster checks"), std::string::npos) << history.out;
  EXPECT_NE(history.out.find("\"check_command\":\"make quick\""), std::string::npos) << history.out;

  auto simulated = corral("routing simulate " + quote(upstream()) + " --version 2 --json");
  ASSERT_EQ(simulated.exit_code, 0) << simulated.err;
  EXPECT_EQ(json::parse(simulated.out)["proposed_settings"]["check_command"], "make quick");

  auto missing = corral("repo rollback " + quote(upstream()) + " 99 --reason 'no such'");
  EXPECT_NE(missing.exit_code, 0);
  EXPECT_NE(missing.err.find("no settings version 99"), std::string::npos) << missing.err;
  auto rolled = corral("repo rollback " + quote(upstream()) + " 1 --reason 'the checks hang'");
  ASSERT_EQ(rolled.exit_code, 0) << rolled.err;
  EXPECT_NE(rolled.out.find("restored version 1 as version 3"), std::string::npos) << rolled.out;
  EXPECT_EQ(local("GET", "/v1/repos/" + upstream_id_)["settings"], original) << "restored exactly";
  EXPECT_EQ(last_event("policy.rolled_back")["payload"]["reason"], "the checks hang");
}

TEST_F(RoutingE2E, ATaskWithoutAnAgentIsRoutedToAnAllowedProfile) {
  settings({{"pin", "autonomous"}, {"agents", {"echo routed > routed.txt; true"}}});
  json body = {{"repo", upstream()}, {"prompt", "pick an agent for me"}};
  auto created = local("POST", "/v1/tasks", body.dump());
  ASSERT_TRUE(created.contains("id")) << created.dump();
  std::string task = created["id"];
  ASSERT_EQ(wait_for_state(task, "merged", 60)["state"], "merged");
  EXPECT_EQ(routed(task)["agent"]["rule"], "only profile");
  EXPECT_EQ(local("GET", "/v1/tasks/" + task)["agent"], "echo routed > routed.txt; true");
  EXPECT_EQ(upstream_file("main", "routed.txt"), "routed\n");
  auto refused = local("POST", "/v1/tasks", json{{"repo", upstream()}, {"agent", "rm -rf /"}, {"prompt", "x"}}.dump());
  EXPECT_NE(refused.dump().find("does not allow"), std::string::npos) << refused.dump();
}

TEST_F(RoutingE2E, ARevertPushedUpstreamByAPersonIsARollbackToo) {
  settings({{"pin", "autonomous"}});
  std::string task = submit_task("echo bad > bad.txt; true", "introduce a bug");
  ASSERT_EQ(wait_for_state(task, "merged", 60)["state"], "merged");
  std::string merged = upstream_git("log -1 --format=%H --grep=" + quote("Corral-Task: " + task) + " main");
  sh_ok("cd " + quote(repo()) + " && git fetch -q " + quote(upstream()) + " main && git checkout -q FETCH_HEAD && " +
        "git -c user.name=oncall -c user.email=o@x revert --no-edit " + merged + " >/dev/null && git push -q " +
        quote(upstream()) + " HEAD:main");
  // corral notices when it next looks at main: the next merge.
  std::string next = submit_task("echo fine > fine.txt; true", "something else");
  ASSERT_EQ(wait_for_state(next, "merged", 60)["state"], "merged");
  auto rolled = local("GET", "/v1/tasks/" + task);
  EXPECT_EQ(rolled["state"], "rolled_back") << rolled.dump();
  EXPECT_NE(rolled["reason"].get<std::string>().find("reverted upstream by"), std::string::npos);
  json recorded = last_event("rollback.recorded")["payload"];
  EXPECT_EQ(recorded["requested_by"], "upstream");
  EXPECT_EQ(recorded["author"], "oncall");
  EXPECT_EQ(recorded["reverted"], merged);
  EXPECT_EQ(local("GET", "/v1/repos/" + upstream_id_)["kpis"]["overall"]["rolled_back"], 1);
  EXPECT_NE(corral("task rollback " + task + " --reason again").exit_code, 0) << "not twice";
}

}  // namespace
}  // namespace corral::e2e
