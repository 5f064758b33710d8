// End-to-end fixture: a sample repository, a private data directory, the
// scripted and hostile agents copied where the sandbox may see them, and the
// real corral binary.
#pragma once

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <string>

#include "tests/support/test_support.h"

namespace corral::e2e {

using testing::quote;
using testing::sh;
using testing::sh_ok;

class CorralE2E : public ::testing::Test {
 protected:
  void SetUp() override {
    testing::make_sample_repo(repo());
    // Agents live outside the source tree, which may sit under /root or /home
    // where --mount-ro is refused on purpose.
    std::filesystem::copy(testing::source_path("tests/e2e/agents"), agents());
    sh_ok("chmod -R a+rX " + quote(dir_.path()));
  }

  std::string repo() const { return dir_ / "repo"; }
  std::string data() const { return dir_ / "data"; }
  std::string agents() const { return dir_ / "agents"; }
  std::string agent(const std::string& script) const { return "/opt/agents/" + script; }

  // `corral --data-dir DATA ARGS`, with the agents mounted for `run`.
  testing::CommandResult corral(const std::string& args, const std::string& env = "") const {
    return sh(env + " " + quote(testing::corral_binary()) + " --data-dir " + quote(data()) + " " + args);
  }

  testing::CommandResult run_agent(const std::string& agent_command, const std::string& prompt,
                                   const std::string& extra = "") const {
    return corral("run --json --repo " + quote(repo()) + " --mount-ro " + quote(agents() + ":/opt/agents") +
                  " --agent " + quote(agent_command) + " " + backend_args_ + " " + extra + " " + quote(prompt));
  }

  // Runs later `run_agent` calls on the Docker backend with the test image.
  void use_docker() { backend_args_ = "--backend docker --image " + testing::docker_test_image(); }

  static nlohmann::json parse(const testing::CommandResult& result) {
    auto json = nlohmann::json::parse(result.out, nullptr, false);
    EXPECT_FALSE(json.is_discarded()) << "stdout is not JSON: " << result.out << "\nstderr: " << result.err;
    return json.is_discarded() ? nlohmann::json::object() : json;
  }

  // Event types of a task, in order.
  std::vector<std::string> event_types(const std::string& task) const {
    std::vector<std::string> types;
    auto result = corral("events --json " + task);
    EXPECT_EQ(result.exit_code, 0) << result.err;
    std::istringstream lines(result.out);
    for (std::string line; std::getline(lines, line);) types.push_back(nlohmann::json::parse(line)["type"]);
    return types;
  }

  // What a file holds on a branch of the source repository ("" if absent).
  std::string file_on_branch(const std::string& branch, const std::string& path) const {
    return sh("git -C " + quote(repo()) + " show " + quote(branch + ":" + path)).out;
  }

  std::string git(const std::string& args) const { return sh_ok("git -C " + quote(repo()) + " " + args); }

  // Nothing of a run may outlive it: worktrees, bundles, runtime state, locks.
  void expect_no_leftovers() const {
    for (const char* sub : {"worktrees", "layers", "sandboxes", "runs"}) {
      std::string dir = data() + "/" + sub;
      if (!std::filesystem::exists(dir)) continue;
      // The shared, read-only sandbox skeleton (.rootfs) stays; nothing else may.
      auto left = sh("ls -A " + quote(dir) + " | grep -vx .rootfs").out;
      EXPECT_EQ(left, "") << sub << ": " << sh("ls -la " + quote(dir)).out;
    }
    EXPECT_EQ(sh("grep -F " + quote(" " + data() + "/") + " /proc/self/mountinfo").out, "")
        << "a workspace still mounted";
    std::string state = data() + "/runtime/runc";
    if (std::filesystem::exists(state)) {
      // A finished sandbox's runtime state is deleted in the background: give it a moment.
      testing::wait_for([&] { return sh("runc --root " + quote(state) + " list -q").out.empty(); },
                        std::chrono::seconds(5));
      EXPECT_EQ(sh("runc --root " + quote(state) + " list -q").out, "");
    }
    if (!backend_args_.empty()) {
      EXPECT_EQ(sh("docker ps -aq --filter " + quote("label=corral.owner=" + data())).out, "");
    }
  }

  testing::TempDir dir_;
  std::string backend_args_;  // empty: the default (runc)
};

}  // namespace corral::e2e
