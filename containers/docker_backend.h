// The Docker Engine backend: the same hardened profile as the OCI backend,
// through the engine's HTTP API on its unix socket (no docker CLI).
//
// create = image check + container create + attach (so no output is lost);
// start; wait reads the multiplexed attach stream until it ends or the
// deadline passes (then kill); the exit code and OOM flag come from the engine.
// Containers carry corral.owner=<owner> and list_ours() sees only those.
//
// Unlike runc's, a Docker container does not die with corral (its parent is
// the engine's shim); the supervisor's own deadline and reconciliation
// (list_ours + remove) end what a crashed corral left running.
//
// Thread-safe.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "containers/sandbox_backend.h"
#include "core/thread_annotations.h"

namespace corral::containers {

class DockerEngine;

class DockerBackend final : public SandboxBackend {
 public:
  // Connects to the engine (see docker_socket_path()); the error says why not.
  static Result<std::unique_ptr<DockerBackend>> connect(const std::string& socket_path, std::string owner);
  ~DockerBackend() override;

  std::string_view kind() const override { return "docker"; }
  Status check_image(const std::string& image) override;
  Status create(const SandboxSpec& spec) override;
  Status start(const std::string& name) override;
  Result<SandboxExit> wait(const std::string& name, std::chrono::milliseconds timeout,
                           const OutputHandler& on_output) override;
  Status kill(const std::string& name) override;
  Status terminate(const std::string& name) override;
  Status remove(const std::string& name) override;
  Result<std::vector<SandboxInfo>> list_ours() override;

 private:
  struct Live;
  DockerBackend(std::unique_ptr<DockerEngine> engine, std::string owner);
  Live* find(const std::string& name);
  Result<SandboxExit> finish(const std::string& name, SandboxExit exit);

  std::unique_ptr<DockerEngine> engine_;
  std::string owner_;
  Mutex mutex_;
  std::map<std::string, std::unique_ptr<Live>> live_ CORRAL_GUARDED_BY(mutex_);
};

}  // namespace corral::containers
