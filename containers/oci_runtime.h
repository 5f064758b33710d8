// The OCI runtime backend: runc (or crun) driven directly, no daemon.
//
// corral builds the bundle itself, then runs `runc create` with its own pipes
// as the container's stdio, `runc start`, and waits for the container's init
// (our supervisor) through a pidfd. To be able to reap that init, the process
// that constructs this backend becomes a child subreaper (PR_SET_CHILD_SUBREAPER):
// when `runc create` exits, its container init is re-parented to us.
//
// If corral dies, the supervisor (which set PR_SET_PDEATHSIG) dies with it,
// and with it every process of the sandbox; what is left on disk (runtime
// state, bundle) is found by list_ours() and removed by remove().
//
// Thread-safe: one backend may run several sandboxes from several threads.
#pragma once

#include <sys/types.h>

#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "containers/process.h"
#include "containers/sandbox_backend.h"

namespace corral::containers {

struct OciRuntimeOptions {
  std::string runtime = "runc";        // the runtime binary, looked up in PATH
  std::string state_root;              // the runtime's --root: corral's containers only
  std::string bundles_dir;             // one bundle directory per sandbox
  std::string cgroup_parent = "/corral";
};

class OciRuntimeBackend final : public SandboxBackend {
 public:
  explicit OciRuntimeBackend(OciRuntimeOptions options);
  ~OciRuntimeBackend() override;

  std::string_view kind() const override { return options_.runtime; }
  Status check_image(const std::string& image) override;
  Status create(const SandboxSpec& spec) override;
  Status start(const std::string& name) override;
  Result<SandboxExit> wait(const std::string& name, std::chrono::milliseconds timeout,
                           const OutputHandler& on_output) override;
  Status kill(const std::string& name) override;
  Status remove(const std::string& name) override;
  Result<std::vector<SandboxInfo>> list_ours() override;

  // The runtime's version line, or why it cannot run here.
  Result<std::string> version();

 private:
  struct Live;

  std::vector<std::string> runtime_command(std::initializer_list<std::string> args) const;
  std::string bundle_dir(const std::string& name) const;
  Status launch(const SandboxSpec& spec, Live* live);
  Live* find(const std::string& name);
  bool memory_limit_was_hit(const std::string& name) const;

  OciRuntimeOptions options_;
  std::mutex mutex_;
  std::map<std::string, std::unique_ptr<Live>> live_;  // guarded by mutex_
};

}  // namespace corral::containers
