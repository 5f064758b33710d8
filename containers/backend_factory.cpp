#include "containers/backend_factory.h"

#include "containers/docker_backend.h"
#include "containers/docker_engine.h"
#include "containers/oci_runtime.h"

namespace corral::containers {
namespace {

Result<std::unique_ptr<SandboxBackend>> make_docker(const BackendChoice& choice) {
  auto socket = docker_socket_path();
  if (!socket.is_ok()) return socket.status();
  auto backend = DockerBackend::connect(*socket, choice.owner);
  if (!backend.is_ok()) return backend.status();
  return std::unique_ptr<SandboxBackend>(std::move(*backend));
}

Result<std::unique_ptr<SandboxBackend>> make_oci(const BackendChoice& choice, const std::string& runtime) {
  auto backend = std::make_unique<OciRuntimeBackend>(
      OciRuntimeOptions{runtime, choice.runtime_root + "/" + runtime, choice.bundles_dir, "/corral"});
  auto version = backend->version();
  if (!version.is_ok()) return version.status();
  return std::unique_ptr<SandboxBackend>(std::move(backend));
}

}  // namespace

Result<std::unique_ptr<SandboxBackend>> make_backend(const BackendChoice& choice) {
  if (choice.kind == "docker") return make_docker(choice);
  if (choice.kind == "runc" || choice.kind == "crun") return make_oci(choice, choice.kind);
  if (choice.kind != "auto") {
    return Status::invalid_argument("unknown backend '" + choice.kind + "' (use docker, runc, crun or auto)");
  }
  // An image means Docker (the OCI backend runs on the host's /usr); without
  // one, runc. A named image with no engine answering is an error, not a
  // silent switch to a different filesystem.
  return choice.image.empty() ? make_oci(choice, "runc") : make_docker(choice);
}

}  // namespace corral::containers
