#include "tests/support/fake_sandbox.h"

#include <filesystem>
#include <fstream>

namespace corral::testing {

void FakeSandboxBackend::script(const std::string& task_id, FakeAgent agent) {
  std::lock_guard lock(mutex_);
  agents_[task_id] = std::move(agent);
}

void FakeSandboxBackend::release(const std::string& task_id) {
  {
    std::lock_guard lock(mutex_);
    released_.insert(task_id);
  }
  changed_.notify_all();
}

bool FakeSandboxBackend::wait_running(size_t count, std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  return changed_.wait_for(lock, timeout, [&] { return running_ >= count; });
}

std::vector<std::string> FakeSandboxBackend::started_tasks() const {
  std::lock_guard lock(mutex_);
  return started_;
}

size_t FakeSandboxBackend::running() const {
  std::lock_guard lock(mutex_);
  return running_;
}

size_t FakeSandboxBackend::max_running() const {
  std::lock_guard lock(mutex_);
  return max_running_;
}

void FakeSandboxBackend::fail_to_create(const std::string& task_id, int times) {
  std::lock_guard lock(mutex_);
  create_failures_[task_id] = times;
}

Status FakeSandboxBackend::create(const containers::SandboxSpec& spec) {
  std::lock_guard lock(mutex_);
  auto task = spec.labels.find("corral.task");
  std::string task_id = task == spec.labels.end() ? "" : task->second;
  if (int& failures = create_failures_[task_id]; failures > 0) {
    --failures;
    return Status::io("the fake engine cannot make a sandbox now");
  }
  sandboxes_[spec.name] = {spec, task_id};
  return Status::ok();
}

Status FakeSandboxBackend::start(const std::string& name) {
  {
    std::lock_guard lock(mutex_);
    auto it = sandboxes_.find(name);
    if (it == sandboxes_.end()) return Status::not_found("no fake sandbox " + name);
    it->second.started = true;
    started_.push_back(it->second.task_id);
    max_running_ = std::max(max_running_, ++running_);
  }
  changed_.notify_all();
  return Status::ok();
}

bool FakeSandboxBackend::released(const Sandbox& sandbox) const {
  auto agent = agents_.find(sandbox.task_id);
  bool holds = agent != agents_.end() && agent->second.hold;
  return !holds || released_.count(sandbox.task_id) > 0;
}

Result<containers::SandboxExit> FakeSandboxBackend::wait(const std::string& name, std::chrono::milliseconds timeout,
                                                         const containers::OutputHandler& on_output) {
  std::unique_lock lock(mutex_);
  auto it = sandboxes_.find(name);
  if (it == sandboxes_.end()) return Status::not_found("no fake sandbox " + name);
  Sandbox& sandbox = it->second;
  bool ended = changed_.wait_for(lock, timeout, [&] { return sandbox.killed || released(sandbox); });
  containers::SandboxExit exit;
  FakeAgent agent = agents_.count(sandbox.task_id) ? agents_[sandbox.task_id] : FakeAgent{};
  if (!ended) {
    exit.timed_out = true;
    exit.exit_code = 137;
  } else if (sandbox.killed) {
    exit.exit_code = 137;
  } else {
    for (const auto& [path, content] : agent.writes) {
      std::filesystem::path file = std::filesystem::path(sandbox.spec.workspace_host_path) / path;
      std::filesystem::create_directories(file.parent_path());
      std::ofstream(file) << content;
    }
    exit.exit_code = agent.exit_code;
  }
  sandbox.finished = true;
  --running_;
  lock.unlock();
  changed_.notify_all();
  if (on_output) on_output(containers::OutputStream::kStdout, "fake agent done\n");
  return exit;
}

Status FakeSandboxBackend::kill(const std::string& name) {
  {
    std::lock_guard lock(mutex_);
    auto it = sandboxes_.find(name);
    if (it != sandboxes_.end()) it->second.killed = true;
  }
  changed_.notify_all();
  return Status::ok();
}

Status FakeSandboxBackend::remove(const std::string& name) {
  std::lock_guard lock(mutex_);
  sandboxes_.erase(name);
  return Status::ok();
}

Result<std::vector<containers::SandboxInfo>> FakeSandboxBackend::list_ours() {
  std::lock_guard lock(mutex_);
  std::vector<containers::SandboxInfo> out;
  for (const auto& [name, sandbox] : sandboxes_) {
    out.push_back({name, sandbox.started && !sandbox.finished ? "running" : "created", sandbox.spec.labels});
  }
  return out;
}

}  // namespace corral::testing
