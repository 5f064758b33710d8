// A sandbox backend with no sandbox, for in-process tests of the scheduler
// and the commit step: each "agent" is a step the test scripts per task
// (files to write into the workspace, an exit code), and a sandbox may be
// held running until the test releases it or corral kills it. Everything
// else in a run (worktrees, commits, the store) stays real.
#pragma once

#include <condition_variable>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "containers/sandbox_backend.h"

namespace corral::testing {

struct FakeAgent {
  std::map<std::string, std::string> writes;  // workspace-relative path -> content
  int exit_code = 0;
  bool hold = false;  // stays running until release() or kill()
};

class FakeSandboxBackend final : public containers::SandboxBackend {
 public:
  // What the agent of `task_id` does (default: nothing, exit 0).
  void script(const std::string& task_id, FakeAgent agent);
  // The sandboxes of `task_id` cannot be made (corral's failure, not the
  // agent's) until `times` more attempts have failed.
  void fail_to_create(const std::string& task_id, int times);
  // Lets a held sandbox of `task_id` finish.
  void release(const std::string& task_id);
  // Waits until `count` sandboxes are running (started, not yet finished).
  bool wait_running(size_t count, std::chrono::milliseconds timeout);

  std::vector<std::string> started_tasks() const;  // in start order
  size_t running() const;
  size_t max_running() const;  // the most that ran at once

  std::string_view kind() const override { return "fake"; }
  Status check_image(const std::string&) override { return Status::ok(); }
  Status create(const containers::SandboxSpec& spec) override;
  Status start(const std::string& name) override;
  Result<containers::SandboxExit> wait(const std::string& name, std::chrono::milliseconds timeout,
                                       const containers::OutputHandler& on_output) override;
  Status kill(const std::string& name) override;
  Status terminate(const std::string& name) override { return kill(name); }
  Status remove(const std::string& name) override;
  Result<std::vector<containers::SandboxInfo>> list_ours() override;

 private:
  struct Sandbox {
    containers::SandboxSpec spec;
    std::string task_id;
    bool started = false;
    bool finished = false;
    bool killed = false;
  };
  bool released(const Sandbox& sandbox) const;

  mutable std::mutex mutex_;  // guards everything below
  std::condition_variable changed_;
  std::map<std::string, FakeAgent> agents_;     // by task id
  std::map<std::string, int> create_failures_;  // by task id: attempts left to fail
  std::set<std::string> released_;              // task ids
  std::map<std::string, Sandbox> sandboxes_;    // by name
  std::vector<std::string> started_;
  size_t running_ = 0;
  size_t max_running_ = 0;
};

}  // namespace corral::testing
