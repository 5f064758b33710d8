// What the backend tests share: a workspace owned by the sandbox user, a
// spec for a shell script, and one create/start/wait/remove round. Each test
// suite sets backend_; TearDown removes whatever the backend still lists.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <memory>
#include <thread>

#include "containers/sandbox_backend.h"
#include "core/ids.h"
#include "tests/support/test_support.h"

namespace corral::containers {

class BackendFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    std::filesystem::create_directories(workspace());
    ASSERT_EQ(::chown(workspace().c_str(), kSandboxUid, kSandboxGid), 0);
  }

  void TearDown() override {
    if (!backend_) return;
    auto listed = backend_->list_ours();
    if (!listed.is_ok()) return;
    for (const SandboxInfo& info : *listed) EXPECT_TRUE(backend_->remove(info.name).is_ok()) << info.name;
  }

  std::string workspace() const { return dir_ / "workspace"; }

  SandboxSpec spec(const std::string& script) const {
    SandboxSpec spec;
    spec.name = "corral-" + new_id("r");
    spec.image = image_;
    spec.argv = {"/bin/sh", "-c", script};
    spec.env = {"PATH=/usr/bin:/bin", "HOME=/home/agent"};
    spec.workspace_host_path = workspace();
    spec.supervisor_host_path = testing::supervisor_binary();
    spec.limits = {int64_t{128} << 20, 64, 1.0};
    spec.labels = {{"corral.run", spec.name.substr(7)}};
    return spec;
  }

  // create + start + wait + remove; the exit, and what the sandbox printed on
  // stdout and stderr (kept apart: the order between the two is not defined).
  SandboxExit run(const SandboxSpec& sandbox, std::string* output = nullptr,
                  std::chrono::milliseconds timeout = std::chrono::seconds(30), std::string* errors = nullptr) {
    Status created = backend_->create(sandbox);
    EXPECT_TRUE(created.is_ok()) << created.to_string();
    EXPECT_TRUE(backend_->start(sandbox.name).is_ok());
    std::string out, err;
    auto exit = backend_->wait(sandbox.name, timeout, [&](OutputStream stream, std::string_view chunk) {
      (stream == OutputStream::kStdout ? out : err) += chunk;
    });
    EXPECT_TRUE(exit.is_ok()) << exit.status().to_string();
    if (output) *output = out;
    if (errors) *errors = err;
    EXPECT_TRUE(backend_->remove(sandbox.name).is_ok());
    return exit.is_ok() ? *exit : SandboxExit{};
  }

  // Starts `sandbox`, asks it to stop (terminate) once it printed "started",
  // waits for its end and removes it; the exit, and what it printed.
  SandboxExit run_and_terminate(const SandboxSpec& sandbox, std::string& output) {
    EXPECT_TRUE(backend_->create(sandbox).is_ok());
    EXPECT_TRUE(backend_->start(sandbox.name).is_ok());
    std::atomic<bool> started{false};
    std::thread asker([&] {
      testing::wait_for([&] { return started.load(); }, std::chrono::seconds(20));
      EXPECT_TRUE(backend_->terminate(sandbox.name).is_ok());
    });
    auto exit = backend_->wait(sandbox.name, std::chrono::seconds(30), [&](OutputStream, std::string_view chunk) {
      output += chunk;  // this thread's alone; the asker reads only the flag
      if (output.find("started") != std::string::npos) started = true;
    });
    asker.join();
    EXPECT_TRUE(exit.is_ok()) << exit.status().to_string();
    EXPECT_TRUE(backend_->remove(sandbox.name).is_ok());
    return exit.is_ok() ? *exit : SandboxExit{};
  }

  testing::TempDir dir_;
  std::string image_;  // empty for OCI runtimes
  std::unique_ptr<SandboxBackend> backend_;
};

}  // namespace corral::containers
