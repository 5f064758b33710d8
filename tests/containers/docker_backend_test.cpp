// The Docker backend against the real engine on this machine (started if needed).
#include "containers/docker_backend.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <thread>

#include "containers/backend_factory.h"
#include "tests/containers/backend_fixture.h"

namespace corral::containers {
namespace {

namespace fs = std::filesystem;

class DockerBackendTest : public BackendFixture {
 protected:
  void SetUp() override {
    BackendFixture::SetUp();
    image_ = testing::docker_test_image();
    auto backend = DockerBackend::connect("/var/run/docker.sock", dir_.path());
    ASSERT_TRUE(backend.is_ok()) << backend.status().to_string();
    backend_ = std::move(*backend);
  }
};

TEST_F(DockerBackendTest, RunsACommandAndStreamsBothOutputs) {
  std::string output, errors;
  SandboxExit exit = run(spec("echo out; echo err >&2; id -u; pwd; echo $HOME; ls /sys/class/net"), &output,
                         std::chrono::seconds(30), &errors);
  EXPECT_TRUE(exit.succeeded()) << exit.reason();
  EXPECT_EQ(output, "out\n10001\n/workspace\n/home/agent\nlo\n");
  EXPECT_EQ(errors, "err\n");
}

TEST_F(DockerBackendTest, ReportsExitCodesAndWritesReachTheWorkspace) {
  EXPECT_EQ(run(spec("echo inside > /workspace/f.txt; exit 4")).exit_code, 4);
  EXPECT_EQ(testing::read_file(workspace() + "/f.txt"), "inside\n");
  EXPECT_EQ(run(spec("no-such-agent")).reason(), "agent command not found (exit 127)");
}

TEST_F(DockerBackendTest, KillsAtTheDeadlineAndReportsOutOfMemory) {
  SandboxExit slow = run(spec("sleep 600"), nullptr, std::chrono::milliseconds(700));
  EXPECT_TRUE(slow.timed_out);
  SandboxSpec hungry = spec("x=a; while true; do x=$x$x; done");
  hungry.limits.memory_bytes = int64_t{32} << 20;
  SandboxExit oom = run(hungry);
  EXPECT_TRUE(oom.oom_killed) << oom.reason();
}

TEST_F(DockerBackendTest, AContainerKilledFromOutsideEndsTheRunWithTheSignal) {
  SandboxSpec sandbox = spec("sleep 600");
  ASSERT_TRUE(backend_->create(sandbox).is_ok());
  ASSERT_TRUE(backend_->start(sandbox.name).is_ok());
  std::thread killer([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    testing::sh("docker kill " + sandbox.name);
  });
  auto exit = backend_->wait(sandbox.name, std::chrono::seconds(30), nullptr);
  killer.join();
  ASSERT_TRUE(exit.is_ok()) << exit.status().to_string();
  EXPECT_EQ(exit->exit_code, 137);
  EXPECT_FALSE(exit->timed_out);
  EXPECT_EQ(exit->reason(), "agent killed by signal 9 (SIGKILL)");
  EXPECT_TRUE(backend_->remove(sandbox.name).is_ok());
  EXPECT_EQ(testing::sh("docker ps -aq --filter name=" + sandbox.name).out, "");
}

TEST_F(DockerBackendTest, ListsOnlyItsOwnContainersAndRemovesIdempotently) {
  SandboxSpec mine = spec("sleep 600");
  ASSERT_TRUE(backend_->create(mine).is_ok());
  testing::TempDir other_owner;
  auto other = DockerBackend::connect("/var/run/docker.sock", other_owner.path());
  ASSERT_TRUE(other.is_ok());
  SandboxSpec theirs = spec("sleep 600");
  ASSERT_TRUE((*other)->create(theirs).is_ok());

  auto listed = backend_->list_ours();
  ASSERT_TRUE(listed.is_ok());
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ((*listed)[0].name, mine.name);
  EXPECT_EQ((*listed)[0].labels.at("corral.run"), mine.name.substr(7));
  EXPECT_TRUE(backend_->remove(mine.name).is_ok());
  EXPECT_TRUE(backend_->remove(mine.name).is_ok());
  EXPECT_TRUE(backend_->list_ours()->empty());
  EXPECT_TRUE((*other)->remove(theirs.name).is_ok());
}

TEST_F(DockerBackendTest, AMissingImageIsAClearError) {
  Status status = backend_->check_image("corral-no-such-image:0");
  EXPECT_EQ(status.code(), Code::kNotFound);
  EXPECT_NE(status.message().find("is not in the Docker engine"), std::string::npos) << status.message();
  SandboxSpec sandbox = spec("true");
  sandbox.image = "corral-no-such-image:0";
  EXPECT_FALSE(backend_->create(sandbox).is_ok());
  EXPECT_TRUE(backend_->list_ours()->empty());
}

TEST(DockerEngineConnection, ASocketWithNoEngineIsAClearError) {
  testing::TempDir dir;
  auto backend = DockerBackend::connect(dir / "docker.sock", "x");
  ASSERT_FALSE(backend.is_ok());
  EXPECT_EQ(backend.status().message(),
            "the Docker engine is not running (nothing answers at " + dir / "docker.sock" + ")");
  testing::write_file(dir / "not-a-socket", "");
  EXPECT_FALSE(DockerBackend::connect(dir / "not-a-socket", "x").is_ok());
}

TEST(BackendFactory, PicksByKindAndImage) {
  testing::TempDir dir;
  BackendChoice choice{"auto", "", dir.path(), dir / "runtime", dir / "bundles"};
  auto runc = make_backend(choice);
  ASSERT_TRUE(runc.is_ok());
  EXPECT_EQ((*runc)->kind(), "runc");
  choice.image = testing::docker_test_image();
  auto docker = make_backend(choice);
  ASSERT_TRUE(docker.is_ok()) << docker.status().to_string();
  EXPECT_EQ((*docker)->kind(), "docker");
  choice.kind = "podman";
  EXPECT_EQ(make_backend(choice).status().code(), Code::kInvalidArgument);
  EXPECT_EQ((*runc)->check_image("some-image").code(), Code::kInvalidArgument);
}

// terminate() asks: the agent gets SIGTERM (through the supervisor) and can
// finish; kill() would not let it.
TEST_F(DockerBackendTest, TerminateLetsTheAgentFinish) {
  std::string output;
  SandboxExit exit =
      run_and_terminate(spec("trap 'echo finishing; exit 7' TERM; echo started; sleep 600 & wait"), output);
  EXPECT_EQ(exit.exit_code, 7) << output;
  EXPECT_NE(output.find("finishing"), std::string::npos) << output;
}

}  // namespace
}  // namespace corral::containers
