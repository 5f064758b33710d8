// The daemon puts a run behind the egress proxy only when its grant allows
// network (above observe), and then only to the owner's allowlist. The agent
// is a shell command that speaks HTTP through $HTTP_PROXY with bash's /dev/tcp.
#include <gtest/gtest.h>

#include <filesystem>

#include "tests/e2e/daemon_fixture.h"
#include "tests/support/loopback_http.h"

namespace corral::e2e {
namespace {

using nlohmann::json;

class EgressE2E : public DaemonE2E {
 protected:
  void SetUp() override {
    CorralE2E::SetUp();
    start_daemon("--egress-host models.corral.test=127.0.0.1");
    ASSERT_TRUE(ready_) << testing::read_file(dir_ / "serve.log");
    repo_id_ = local("POST", "/v1/repos", json{{"path", repo()}}.dump()).value("id", "");
    ASSERT_FALSE(repo_id_.empty());
  }

  // An agent that asks the proxy for `host` and keeps the answer's first line in `file`.
  std::string fetcher(const std::string& host, const std::string& file) const {
    return "bash -c 'if exec 3<>/dev/tcp/127.0.0.1/3128; then printf \"GET http://" + host + ":" +
           std::to_string(server_.port()) +
           "/ HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n\" >&3; head -1 <&3 | tr -d \"\\r\" > " + file +
           "; else echo unreachable > " + file + "; fi'";
  }

  std::vector<json> events_of(const std::string& task, const std::string& type) const {
    return local("GET", "/v1/events?limit=1000&type=" + type + "&task=" + task)["events"];
  }

  testing::LoopbackHttpServer server_;
  std::string repo_id_;
};

TEST_F(EgressE2E, ObserveHasNoNetworkAndHigherTiersReachOnlyTheAllowlist) {
  json egress = {
      {"hosts", {"models.corral.test"}}, {"internal_hosts", {"models.corral.test"}}, {"ports", {server_.port()}}};
  local("PATCH", "/v1/repos/" + repo_id_ + "/settings", json{{"egress", egress}}.dump());

  std::string observed = submit(fetcher("models.corral.test", "out.txt"), "fetch at observe");
  ASSERT_EQ(wait_for_state(observed, "review", 60)["state"], "review");
  EXPECT_EQ(file_on_branch("corral/" + observed, "out.txt"), "unreachable\n") << "observe: no proxy at all";
  EXPECT_EQ(events_of(observed, "task.routed")[0]["payload"]["network"], "none");

  local("PATCH", "/v1/repos/" + repo_id_ + "/settings", json{{"pin", "supervised"}}.dump());
  std::string allowed =
      submit(fetcher("models.corral.test", "out.txt") + " && " + fetcher("elsewhere.test", "other.txt"),
             "fetch when supervised");
  ASSERT_EQ(wait_for_state(allowed, "review", 60)["state"], "review");
  EXPECT_EQ(file_on_branch("corral/" + allowed, "out.txt"), "HTTP/1.1 200 OK\n");
  EXPECT_EQ(file_on_branch("corral/" + allowed, "other.txt"), "HTTP/1.1 403 Forbidden\n");
  EXPECT_EQ(server_.requests(), 1);
  EXPECT_EQ(events_of(allowed, "task.routed")[0]["payload"]["network"], "allowlist");
  std::vector<json> passed = events_of(allowed, "egress.allowed");
  ASSERT_EQ(passed.size(), 1u);
  EXPECT_EQ(passed[0]["payload"]["host"], "models.corral.test");
  EXPECT_EQ(passed[0]["payload"]["bytes_received"], static_cast<int64_t>(testing::LoopbackHttpServer::answer().size()));
  std::vector<json> denied = events_of(allowed, "egress.denied");
  ASSERT_EQ(denied.size(), 1u);
  EXPECT_EQ(denied[0]["payload"]["host"], "elsewhere.test");
  EXPECT_EQ(denied[0]["payload"]["rule"], "host_not_allowed");
}

// `corral policy replay`: the run's real tool calls and egress requests,
// decided again under proposed settings; nothing changes.
TEST_F(EgressE2E, PolicyReplayDecidesHistoryAgainUnderProposedSettings) {
  json egress = {
      {"hosts", {"models.corral.test"}}, {"internal_hosts", {"models.corral.test"}}, {"ports", {server_.port()}}};
  local("PATCH", "/v1/repos/" + repo_id_ + "/settings", json{{"egress", egress}, {"pin", "supervised"}}.dump());
  // A tool call through the run's hook as an agent's would go: sudo, blocked.
  std::string hook =
      "printf '%s' '{\"tool_name\":\"Bash\",\"tool_input\":{\"command\":\"sudo ls\"}}' "
      "| $CORRAL_TOOL_HOOK; ";
  std::string task = submit(
      hook + fetcher("models.corral.test", "out.txt") + " && " + fetcher("elsewhere.test", "other.txt") + "; true",
      "a tool call and two requests");
  ASSERT_EQ(wait_for_state(task, "review", 60)["state"], "review");
  ASSERT_EQ(events_of(task, "tool.blocked").size(), 1u) << local("GET", "/v1/events?task=" + task).dump();
  json before = local("GET", "/v1/repos/" + repo_id_ + "/settings");

  json proposed = {
      {"tool_enforcement", "flag"},
      {"egress", {{"hosts", {"elsewhere.test"}}, {"internal_hosts", {"elsewhere.test"}}, {"ports", {server_.port()}}}}};
  testing::write_file(dir_ / "proposed.json", proposed.dump());
  auto replayed = corral("policy replay " + quote(repo()) + " --settings " + quote(dir_ / "proposed.json") + " --json");
  ASSERT_EQ(replayed.exit_code, 0) << replayed.err;
  json replay = json::parse(replayed.out);
  EXPECT_EQ(replay["tool_calls"], 1);
  EXPECT_EQ(replay["egress_requests"], 2);
  EXPECT_EQ(replay["changes"], (json{{"allowed -> blocked", 1}, {"blocked -> allowed", 1}, {"blocked -> flagged", 1}}))
      << replay.dump(2);
  auto human = corral("policy replay " + quote(repo()) + " --settings " + quote(dir_ / "proposed.json") + " --days 1");
  EXPECT_NE(human.out.find("egress models.corral.test:" + std::to_string(server_.port()) + ": allowed -> blocked"),
            std::string::npos)
      << human.out;
  EXPECT_EQ(local("GET", "/v1/repos/" + repo_id_ + "/settings"), before) << "a replay changes nothing";
  testing::write_file(dir_ / "bad.json", R"({"tool_enforcement": "sometimes"})");
  auto bad = corral("policy replay " + quote(repo()) + " --settings " + quote(dir_ / "bad.json"));
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("tool_enforcement"), std::string::npos) << bad.err;
}

TEST_F(EgressE2E, ADaemonKilledMidRunLeavesNoRunDirectoryBehind) {
  std::string task = submit("sleep 600; true", "outlive the daemon");
  json running = wait_for_state(task, "running", 30);
  ASSERT_EQ(running["state"], "running") << running.dump(2) << testing::read_file(dir_ / "serve.log");
  std::string run_dir;
  ASSERT_TRUE(testing::wait_for(
      [&] {
        json runs = local("GET", "/v1/tasks/" + task)["runs"];
        run_dir = runs.empty() ? "" : data() + "/runs/" + runs[0].value("id", "");
        return !run_dir.empty() && std::filesystem::exists(run_dir + "/tool.sock");
      },
      std::chrono::seconds(30)))
      << local("GET", "/v1/tasks/" + task).dump(2) << testing::read_file(dir_ / "serve.log");
  stop_daemon(SIGKILL);
  EXPECT_TRUE(std::filesystem::exists(run_dir)) << "precondition: the crash left it";
  start_daemon("--egress-host models.corral.test=127.0.0.1");
  ASSERT_TRUE(ready_) << testing::read_file(dir_ / "serve.log");
  EXPECT_FALSE(std::filesystem::exists(run_dir)) << "recovery removes the dead run's sockets and files";
  local("POST", "/v1/tasks/" + task + "/cancel");
  EXPECT_EQ(wait_for_state(task, "cancelled", 30)["state"], "cancelled");
}

TEST_F(EgressE2E, OwnersSetTheBoundariesFromTheCommandLine) {
  auto set = corral("repo set " + quote(repo()) +
                    " --egress-host pypi.org --egress-host '*.pythonhosted.org'"
                    " --egress-port 8443 --tool-enforcement flag --budget task_calls=3 --budget daily_tokens=100000"
                    " --model codex=gpt-5.2");
  ASSERT_EQ(set.exit_code, 0) << set.err;
  EXPECT_NE(set.out.find("egress         [\"pypi.org\",\"*.pythonhosted.org\"]"), std::string::npos) << set.out;
  EXPECT_NE(set.out.find("tool calls     flag (log and allow)"), std::string::npos) << set.out;
  json settings = local("GET", "/v1/repos/" + repo_id_)["settings"];
  EXPECT_EQ(settings["egress"]["ports"], json::array({8443}));
  EXPECT_EQ(settings["budget"]["task_calls"], 3);
  EXPECT_EQ(settings["budget"]["daily_tokens"], 100000);
  EXPECT_EQ(settings["models"]["codex"], "gpt-5.2");
  for (const char* bad : {"--budget task_calls", "--budget weekly=3", "--egress-port https", "--model =x",
                          "--egress-host http://evil/", "--tool-enforcement maybe"}) {
    auto refused = corral("repo set " + quote(repo()) + " " + bad);
    EXPECT_EQ(refused.exit_code, 2) << bad << ": " << refused.out << refused.err;
  }
  EXPECT_EQ(local("GET", "/v1/repos/" + repo_id_)["settings"], settings) << "nothing changed";
}

TEST_F(EgressE2E, BadBoundarySettingsAreRefusedAndChangeNothing) {
  for (const json& bad : {json{{"egress", {{"hosts", {"http://evil.com/"}}}}}, json{{"egress", {{"ports", {70000}}}}},
                          json{{"egress", {{"proxy", {}}}}}, json{{"tool_enforcement", "maybe"}},
                          json{{"budget", {{"task_tokens", -1}}}}, json{{"budget", {{"weekly_tokens", 5}}}},
                          json{{"models", {{"codex", "gpt'; rm -rf /"}}}}, json{{"models", "gpt-5"}}}) {
    json answer = local("PATCH", "/v1/repos/" + repo_id_ + "/settings", bad.dump());
    EXPECT_EQ(answer["error"]["code"], "invalid_argument") << bad.dump() << " -> " << answer.dump();
    EXPECT_NE(answer["error"]["message"].get<std::string>().find("setting '"), std::string::npos) << answer.dump();
  }
  json settings = local("GET", "/v1/repos/" + repo_id_)["settings"];
  EXPECT_EQ(settings["egress"]["hosts"], json::array());
  EXPECT_EQ(settings["tool_enforcement"], "block");
  EXPECT_EQ(settings["budget"]["task_tokens"], 0);
  EXPECT_EQ(settings["models"], json::object());
}

}  // namespace
}  // namespace corral::e2e
