// The OCI runtime backend against the real runc on this machine.
#include "containers/oci_runtime.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <map>

#include "tests/containers/backend_fixture.h"

namespace corral::containers {
namespace {

namespace fs = std::filesystem;

class OciRuntimeTest : public BackendFixture {
 protected:
  void SetUp() override {
    BackendFixture::SetUp();
    backend_ = std::make_unique<OciRuntimeBackend>(
        OciRuntimeOptions{"runc", dir_ / "state", dir_ / "bundles", "/corral-test"});
  }
};

TEST_F(OciRuntimeTest, RunsACommandAndStreamsItsOutput) {
  std::string output, errors;
  SandboxExit exit =
      run(spec("echo out; echo err >&2; id -u; pwd; echo $HOME"), &output, std::chrono::seconds(30), &errors);
  EXPECT_TRUE(exit.succeeded()) << exit.reason();
  EXPECT_EQ(output, "out\n10001\n/workspace\n/home/agent\n");
  EXPECT_EQ(errors, "err\n");
}

TEST_F(OciRuntimeTest, ReportsTheAgentsExitCode) {
  EXPECT_EQ(run(spec("exit 3")).exit_code, 3);
  SandboxExit missing = run(spec("no-such-agent-command"));
  EXPECT_EQ(missing.exit_code, 127);
  EXPECT_EQ(missing.reason(), "agent command not found (exit 127)");
}

TEST_F(OciRuntimeTest, WritesToTheWorkspaceReachTheHost) {
  run(spec("echo made-inside > /workspace/file.txt"));
  EXPECT_EQ(testing::read_file(workspace() + "/file.txt"), "made-inside\n");
}

// runc gives a tmpfs the mode of the directory at its mount point: every
// sandbox, not just the first on a fresh skeleton, gets a writable /tmp and a
// private home.
TEST_F(OciRuntimeTest, EverySandboxGetsAWritableTmpAndAPrivateHome) {
  for (int round = 0; round < 2; ++round) {
    std::string output;
    SandboxExit exit =
        run(spec("stat -c '%a %U' /tmp /var/tmp $HOME; mkdir /tmp/agent-dir && touch $HOME/f && echo ok"), &output);
    EXPECT_TRUE(exit.succeeded()) << "round " << round << ": " << exit.reason() << "\n" << output;
    EXPECT_EQ(output, "1777 root\n1777 root\n700 agent\nok\n") << "round " << round;
  }
}

TEST_F(OciRuntimeTest, KillsAtTheDeadline) {
  auto started = std::chrono::steady_clock::now();
  SandboxExit exit = run(spec("sleep 600"), nullptr, std::chrono::milliseconds(500));
  EXPECT_TRUE(exit.timed_out);
  EXPECT_FALSE(exit.succeeded());
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(15));
}

TEST_F(OciRuntimeTest, ReportsOutOfMemory) {
  SandboxSpec sandbox = spec("x=a; while true; do x=$x$x; done");
  sandbox.limits.memory_bytes = int64_t{32} << 20;
  SandboxExit exit = run(sandbox);
  EXPECT_TRUE(exit.oom_killed) << exit.reason();
  EXPECT_EQ(exit.reason(), "out of memory (limit 32 MiB)");
}

TEST_F(OciRuntimeTest, ListsItsOwnSandboxesAndRemovesThemIdempotently) {
  SandboxSpec running = spec("sleep 600");
  SandboxSpec created = spec("true");
  ASSERT_TRUE(backend_->create(running).is_ok());
  ASSERT_TRUE(backend_->start(running.name).is_ok());
  ASSERT_TRUE(backend_->create(created).is_ok());
  auto listed = backend_->list_ours();
  ASSERT_TRUE(listed.is_ok()) << listed.status().to_string();
  ASSERT_EQ(listed->size(), 2u);
  std::map<std::string, SandboxInfo> by_name;
  for (const SandboxInfo& info : *listed) by_name[info.name] = info;
  EXPECT_EQ(by_name[running.name].status, "running");
  EXPECT_EQ(by_name[running.name].labels["corral.run"], running.name.substr(7));
  EXPECT_EQ(by_name[created.name].status, "bundle-only");
  EXPECT_EQ(by_name[created.name].labels["corral.run"], created.name.substr(7));
  for (const std::string& name : {running.name, created.name}) {
    EXPECT_TRUE(backend_->remove(name).is_ok());
    EXPECT_TRUE(backend_->remove(name).is_ok()) << "idempotent";
  }
  EXPECT_TRUE(backend_->list_ours()->empty());
  EXPECT_FALSE(fs::exists(dir_ / "bundles/" + running.name));
}

TEST_F(OciRuntimeTest, ARuntimeThatCannotStartTheSandboxSaysWhy) {
  SandboxSpec broken = spec("true");
  broken.read_only_mounts = {{dir_ / "does-not-exist", "/opt/missing"}};
  ASSERT_TRUE(backend_->create(broken).is_ok());
  Status started = backend_->start(broken.name);
  EXPECT_FALSE(started.is_ok());
  EXPECT_NE(started.message().find("could not start sandbox"), std::string::npos) << started.message();
  EXPECT_TRUE(backend_->remove(broken.name).is_ok());
}

TEST_F(OciRuntimeTest, AMissingRuntimeIsAClearError) {
  OciRuntimeBackend missing({"no-such-runtime", dir_ / "s", dir_ / "b", "/corral-test"});
  auto version = missing.version();
  ASSERT_FALSE(version.is_ok());
  EXPECT_NE(version.status().message().find("no-such-runtime"), std::string::npos);
}

// terminate() asks: the agent gets SIGTERM (through the supervisor) and can
// finish; kill() would not let it.
TEST_F(OciRuntimeTest, TerminateLetsTheAgentFinish) {
  std::string output;
  SandboxExit exit =
      run_and_terminate(spec("trap 'echo finishing; exit 7' TERM; echo started; sleep 600 & wait"), output);
  EXPECT_EQ(exit.exit_code, 7) << output;
  EXPECT_NE(output.find("finishing"), std::string::npos) << output;
}

}  // namespace
}  // namespace corral::containers
