#include "containers/docker_config.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "containers/docker_stream.h"

namespace corral::containers {
namespace {

using json = nlohmann::json;

SandboxSpec sample_spec() {
  SandboxSpec spec;
  spec.name = "corral-r-x";
  spec.image = "agent-image:1";
  spec.argv = {"/bin/sh", "-c", "true"};
  spec.env = {"PATH=/usr/bin"};
  spec.workspace_host_path = "/data/worktrees/r-x";
  spec.supervisor_host_path = "/opt/corral/corral-supervisor";
  spec.read_only_mounts = {{"/opt/agent", "/opt/agent"}};
  spec.limits = {int64_t{256} << 20, 64, 0.5};
  spec.supervisor_deadline_seconds = 70;
  spec.labels = {{"corral.run", "r-x"}};
  return spec;
}

TEST(DockerConfig, TheHardenedProfileInTheEnginesWords) {
  json body = docker_create_body(sample_spec(), "/data");
  const json& host = body["HostConfig"];
  EXPECT_EQ(host["CapDrop"], json({"ALL"}));
  EXPECT_TRUE(host["CapAdd"].empty());
  EXPECT_EQ(host["SecurityOpt"], json({"no-new-privileges"}));
  EXPECT_TRUE(host["ReadonlyRootfs"].get<bool>());
  EXPECT_FALSE(host["Privileged"].get<bool>());
  EXPECT_EQ(host["NetworkMode"], "none");
  EXPECT_TRUE(body["NetworkDisabled"].get<bool>());
  EXPECT_EQ(body["User"], "10001:10001");
  EXPECT_EQ(host["Memory"], int64_t{256} << 20);
  EXPECT_EQ(host["MemorySwap"], int64_t{256} << 20);
  EXPECT_EQ(host["PidsLimit"], 64);
  EXPECT_EQ(host["NanoCpus"], 500000000);
  for (const char* path : {"/tmp", "/home/agent", "/var/tmp", "/run"})
    EXPECT_TRUE(host["Tmpfs"].contains(path)) << path;
  EXPECT_NE(host["Tmpfs"]["/home/agent"].get<std::string>().find("uid=10001"), std::string::npos);
  EXPECT_NE(std::find(host["MaskedPaths"].begin(), host["MaskedPaths"].end(), "/proc/kcore"),
            host["MaskedPaths"].end());
  EXPECT_FALSE(host.contains("Binds"));
  for (const json& opt : host["SecurityOpt"]) EXPECT_EQ(opt.get<std::string>().find("seccomp"), std::string::npos);
}

TEST(DockerConfig, TheWorktreeIsTheOnlyWritableMount) {
  json body = docker_create_body(sample_spec(), "/data");
  int writable = 0;
  for (const json& mount : body["HostConfig"]["Mounts"]) {
    EXPECT_EQ(mount["Type"], "bind");
    if (!mount["ReadOnly"].get<bool>()) {
      ++writable;
      EXPECT_EQ(mount["Target"], "/workspace");
      EXPECT_EQ(mount["Source"], "/data/worktrees/r-x");
    }
  }
  EXPECT_EQ(writable, 1);
}

TEST(DockerConfig, TheSupervisorIsTheEntrypointWithItsDeadline) {
  json body = docker_create_body(sample_spec(), "/data");
  EXPECT_EQ(body["Entrypoint"], json({"/.corral/supervisor", "--deadline", "70", "--"}));
  EXPECT_EQ(body["Cmd"], json({"/bin/sh", "-c", "true"}));
  EXPECT_EQ(body["WorkingDir"], "/workspace");
  EXPECT_EQ(body["Image"], "agent-image:1");
  EXPECT_FALSE(body["Tty"].get<bool>());
}

TEST(DockerConfig, LabelsNameTheRunAndTheOwner) {
  json body = docker_create_body(sample_spec(), "/data/corral");
  EXPECT_EQ(body["Labels"]["corral.run"], "r-x");
  EXPECT_EQ(body["Labels"]["corral.owner"], "/data/corral");
}

std::string frame(char type, const std::string& payload) {
  std::string header = {type, 0, 0, 0};
  uint32_t size = static_cast<uint32_t>(payload.size());
  header += static_cast<char>(size >> 24);
  header += static_cast<char>(size >> 16);
  header += static_cast<char>(size >> 8);
  header += static_cast<char>(size);
  return header + payload;
}

TEST(FrameDecoder, SplitsStdoutAndStderrAcrossArbitraryReads) {
  std::string wire = frame(1, "hello ") + frame(2, "oops\n") + frame(1, "world\n") + frame(1, std::string(70000, 'x'));
  for (size_t step : {size_t{1}, size_t{3}, size_t{8}, size_t{1000}, wire.size()}) {
    FrameDecoder decoder;
    std::string out, err;
    for (size_t i = 0; i < wire.size(); i += step) {
      decoder.feed(std::string_view(wire).substr(i, step), [&](OutputStream stream, std::string_view chunk) {
        (stream == OutputStream::kStdout ? out : err) += chunk;
      });
    }
    EXPECT_EQ(out, "hello world\n" + std::string(70000, 'x')) << "step " << step;
    EXPECT_EQ(err, "oops\n") << "step " << step;
    EXPECT_FALSE(decoder.has_partial_header());
  }
}

}  // namespace
}  // namespace corral::containers
