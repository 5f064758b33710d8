// The OCI runtime backend: runc (or crun) driven directly, no daemon.
//
// create writes the bundle and the output pipes (nothing runs). start runs
// `runc run --keep` in the foreground with those pipes as the container's
// stdio: one runtime process per sandbox, our direct child, whose exit status
// is the container's. --keep leaves the stopped container (and its cgroup)
// until remove(), so wait() can read whether the memory limit killed anything.
// remove() of a container seen to exit hands its runtime state and bundle to
// a deleter thread owned by the backend (off the caller's path); list_ours()
// and the destructor wait until it has caught up.
//
// If corral dies, runc dies with it (PR_SET_PDEATHSIG), the supervisor dies
// with runc (its own PR_SET_PDEATHSIG), and with it every process of the
// sandbox; what is left on disk (runtime state, bundle) is found by
// list_ours() and removed by remove().
//
// Thread-safe: one backend may run several sandboxes from several threads.
#pragma once

#include <sys/types.h>

#include <condition_variable>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "containers/process.h"
#include "containers/sandbox_backend.h"
#include "core/thread_annotations.h"

namespace corral::containers {

struct OciRuntimeOptions {
  std::string runtime = "runc";  // the runtime binary, looked up in PATH
  std::string state_root;        // the runtime's --root: corral's containers only
  std::string bundles_dir;       // one bundle directory per sandbox
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
  Status terminate(const std::string& name) override;
  Status remove(const std::string& name) override;
  Result<std::vector<SandboxInfo>> list_ours() override;

  // The runtime's version line, or why it cannot run here.
  Result<std::string> version();

 private:
  Status signal(const std::string& name, const char* signal);
  struct Live;

  std::vector<std::string> runtime_command(std::initializer_list<std::string> args) const;
  std::string bundle_dir(const std::string& name) const;
  Status wait_until_running(const std::string& name, Live* live);
  Live* find(const std::string& name);
  bool memory_limit_was_hit(const std::string& name) const;
  void wait_for_deleter();
  void run_deleter();

  OciRuntimeOptions options_;
  Mutex mutex_;
  std::map<std::string, std::unique_ptr<Live>> live_ CORRAL_GUARDED_BY(mutex_);
  std::deque<std::string> to_delete_ CORRAL_GUARDED_BY(mutex_);
  int deleting_ CORRAL_GUARDED_BY(mutex_) = 0;  // taken from to_delete_, not done
  bool stopping_ CORRAL_GUARDED_BY(mutex_) = false;
  std::condition_variable deleter_wake_;
  std::condition_variable deleter_idle_;
  std::thread deleter_;
};

}  // namespace corral::containers
