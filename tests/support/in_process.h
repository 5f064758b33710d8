// A fixture for in-process tests of the daemon's engines: a real store in a
// temp data directory, a real repository registered with it, and a fake
// sandbox backend whose agents each test scripts (fake_sandbox.h).
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "core/data_layout.h"
#include "store/store.h"
#include "tests/support/fake_clock.h"
#include "tests/support/fake_sandbox.h"
#include "tests/support/test_support.h"

namespace corral::testing {

class InProcess : public ::testing::Test {
 protected:
  void SetUp() override;

  std::string repo() const { return dir_ / "repo.git"; }
  // `git -C REPO ARGS`, its output without the last newline.
  std::string repo_git(const std::string& args) const;

  // Queues a task for the repository (agent "fake-agent", submitter "alice").
  std::string submit(const std::string& prompt, int priority = 0, std::vector<std::string> parents = {});
  // The task as stored now.
  store::QueuedTask task(const std::string& id);
  // Each stored event of `type` about task `id`: {"repo", "payload"}.
  std::vector<nlohmann::json> events_of(const std::string& id, const std::string& type);

  TempDir dir_;
  FakeClock clock_;  // moves only when a test advances it
  std::unique_ptr<DataLayout> layout_;
  std::unique_ptr<store::Store> store_;
  std::string repo_id_;
  FakeSandboxBackend backend_;
};

}  // namespace corral::testing
