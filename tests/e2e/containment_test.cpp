// Hostile agents: each must fail at its goal while corral keeps working,
// records the run, and leaves the host intact.
#include <fstream>
#include <random>

#include "tests/e2e/e2e_fixture.h"
#include "tests/support/loopback_http.h"

namespace corral::e2e {
namespace {

namespace fs = std::filesystem;

// The same hostile agents against every backend.
class Containment : public CorralE2E, public ::testing::WithParamInterface<std::string> {
 protected:
  void SetUp() override {
    CorralE2E::SetUp();
    if (GetParam() == "docker") use_docker();
  }

  // Runs a hostile agent; the run itself must be recorded whatever it did.
  nlohmann::json run_hostile(const std::string& script, const std::string& prompt, const std::string& extra = "") {
    auto result = run_agent("sh " + agent(script), prompt, extra);
    EXPECT_TRUE(result.exit_code == 0 || result.exit_code == 1) << result.err;
    nlohmann::json out = parse(result);
    std::vector<std::string> types = event_types(out.value("task_id", ""));
    EXPECT_FALSE(types.empty());
    if (!types.empty()) {
      EXPECT_TRUE(types.back() == "task.finished" || types.back() == "task.failed") << types.back();
    }
    expect_no_leftovers();
    EXPECT_EQ(corral("audit verify").exit_code, 0);
    return out;
  }

  std::string report(const nlohmann::json& out, const std::string& file = "report.txt") {
    if (out["branch"].is_null()) return "";
    return file_on_branch(out["branch"], file);
  }

  // Whether any process has `marker` in its command line (the pattern is
  // written so it does not match the shell that runs pgrep).
  static bool running(const std::string& marker) {
    return !sh("pgrep -f '[" + marker.substr(0, 1) + "]" + marker.substr(1) + "'").out.empty();
  }

  static std::string random_token() {
    std::random_device random;
    return "secret-" + std::to_string(random()) + std::to_string(random());
  }
};

TEST_P(Containment, CannotWriteOutsideTheWorkspace) {
  std::string host_target = dir_ / "host-owned.txt";
  std::string mirror_dir = data() + "/mirrors";
  auto out = run_hostile("write_outside.sh", host_target + " " + data() + "/pwned");
  for (const std::string& path :
       {std::string("/pwned"), std::string("/etc/pwned"), std::string("/usr/pwned"),
        std::string("/usr/local/bin/pwned"), std::string("/root/pwned"), host_target, data() + "/pwned"}) {
    EXPECT_FALSE(fs::exists(path)) << path;
  }
  for (const auto& entry : fs::directory_iterator(mirror_dir)) {
    EXPECT_FALSE(fs::exists(entry.path() / "pwned")) << entry.path();
  }
  std::string text = report(out);
  EXPECT_NE(text.find("blocked /etc/pwned"), std::string::npos) << text;
  EXPECT_NE(text.find("blocked mirror"), std::string::npos) << text;
  EXPECT_EQ(text.find("wrote /etc"), std::string::npos) << text;
  EXPECT_EQ(text.find("wrote /usr"), std::string::npos) << text;
}

TEST_P(Containment, CannotReadHostSecrets) {
  std::string file_token = random_token();
  std::string env_token = random_token();
  std::string planted = "/root/.corral-test-secret-" + file_token.substr(7, 8);
  testing::write_file(planted, file_token + "\n");
  std::string db_path = data() + "/corral.db";
  auto result = run_agent("sh " + agent("read_secrets.sh"), db_path, "");
  fs::remove(planted);
  ASSERT_TRUE(result.exit_code == 0 || result.exit_code == 1) << result.err;
  nlohmann::json out = parse(result);
  std::string loot = file_on_branch(out["branch"], "loot.txt");
  ASSERT_FALSE(loot.empty()) << "the agent ran and reported";
  EXPECT_EQ(loot.find(file_token), std::string::npos) << "read a file in /root";
  std::string shadow_root = sh_ok("head -c 20 /etc/shadow");
  EXPECT_EQ(loot.find(shadow_root), std::string::npos) << "read /etc/shadow";
  EXPECT_EQ(loot.find("SQLite format"), std::string::npos) << "read the database";
  EXPECT_EQ(loot.find("HOME=/root"), std::string::npos) << "saw the host environment";
  EXPECT_NE(loot.find("HOME=/home/agent"), std::string::npos) << loot;

  // The host environment of corral itself never reaches the agent.
  auto with_env = corral("run --json --repo " + quote(repo()) + " " + backend_args_ + " --agent 'env > env.txt' 'env'",
                         "CORRAL_TEST_SECRET=" + env_token + " AWS_SECRET_ACCESS_KEY=" + env_token);
  ASSERT_EQ(with_env.exit_code, 0) << with_env.err;
  std::string env = file_on_branch(parse(with_env)["branch"], "env.txt");
  EXPECT_EQ(env.find(env_token), std::string::npos) << env;
}

TEST_P(Containment, HasNoNetworkButItsOwnLoopback) {
  testing::LoopbackHttpServer listener;
  auto out = run_hostile("network.sh", std::to_string(listener.port()));
  EXPECT_EQ(listener.connections(), 0);
  std::string text = report(out);
  EXPECT_NE(text.find("interfaces: lo \n"), std::string::npos) << text;
  EXPECT_NE(text.find("blocked 127.0.0.1:" + std::to_string(listener.port())), std::string::npos) << text;
}

TEST_P(Containment, AForkBombIsHeldByThePidsLimit) {
  auto started = std::chrono::steady_clock::now();
  std::string marker = random_token();  // the prompt: in every bomb process's command line
  auto out = run_hostile("fork_bomb.sh", marker, "--timeout 5 --pids 64");
  EXPECT_EQ(out["status"], "failed");
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(60));
  EXPECT_FALSE(running(marker)) << "no process of the bomb survives";
  // corral keeps working.
  EXPECT_EQ(run_agent("true", "after the bomb").exit_code, 0);
}

TEST_P(Containment, AMemoryBombIsStoppedByTheMemoryLimit) {
  auto out = run_hostile("memory_bomb.sh", "eat", "--memory 64m --timeout 60");
  EXPECT_EQ(out["status"], "failed");
  EXPECT_TRUE(out["oom_killed"].get<bool>()) << out.dump();
  EXPECT_EQ(out["reason"], "out of memory (limit 64 MiB)");
}

TEST_P(Containment, AnEndlessLoopIsStoppedAtTheTimeout) {
  std::string marker = random_token();
  auto out = run_hostile("endless.sh", marker, "--timeout 2");
  EXPECT_EQ(out["reason"], "timed out after 2 s");
  EXPECT_FALSE(running(marker));
}

TEST_P(Containment, CannotMoveTheMirrorsOrTheSourcesRefs) {
  // Run once so the mirror exists, then record every ref.
  ASSERT_EQ(run_agent("true", "warm up").exit_code, 0);
  std::string mirror = sh_ok("ls -d " + quote(data()) + "/mirrors/*.git");
  std::string mirror_refs = sh_ok("git -C " + quote(mirror) + " for-each-ref");
  std::string source_refs = git("for-each-ref");
  auto out = run_hostile("tamper_refs.sh", "rewrite history");
  EXPECT_EQ(sh_ok("git -C " + quote(mirror) + " for-each-ref | grep -v refs/heads/corral/"), mirror_refs);
  EXPECT_EQ(git("for-each-ref | grep -v refs/heads/corral/"), source_refs);
  std::string text = report(out);
  EXPECT_EQ(text.find("worked"), std::string::npos) << text;
  EXPECT_EQ(text.find("wrote ref file"), std::string::npos) << text;
  EXPECT_EQ(sh("ls " + quote(mirror) + "/objects/planted").exit_code, 2) << "the mirror's objects are read-only";
  // The branch corral wrote is corral's: its parent is the base, whatever .git said.
  EXPECT_EQ(git("rev-parse " + out["branch"].get<std::string>() + "^"), out["base"]);
}

TEST_P(Containment, ClassicEscapesFail) {
  auto out = run_hostile("escape.sh", "escape");
  std::string text = report(out);
  ASSERT_FALSE(text.empty());
  EXPECT_EQ(text.find("worked"), std::string::npos) << text;
  EXPECT_EQ(text.find("kcore readable"), std::string::npos) << text;
  EXPECT_EQ(text.find("proc sys writable"), std::string::npos) << text;
  EXPECT_NE(text.find("uid=10001 caps=CapEff:\t0000000000000000"), std::string::npos) << text;
}

INSTANTIATE_TEST_SUITE_P(Backends, Containment, ::testing::Values("runc", "docker"),
                         [](const ::testing::TestParamInfo<std::string>& info) { return info.param; });

}  // namespace
}  // namespace corral::e2e
