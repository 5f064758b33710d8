// Picks and builds the sandbox backend a run uses.
//
//   "docker"      the Docker Engine (needs an image)
//   "runc"/"crun" the OCI runtime driven directly (uses the host's /usr)
//   "auto"        docker when an image is given (an error if no engine answers), else runc
#pragma once

#include <memory>
#include <string>

#include "containers/sandbox_backend.h"

namespace corral::containers {

struct BackendChoice {
  std::string kind = "auto";
  std::string image;         // for docker
  std::string owner;         // labels docker containers as this corral's (the data directory)
  std::string runtime_root;  // OCI: the parent of each runtime's --root
  std::string bundles_dir;   // OCI: bundle directories
};

// invalid_argument for an unknown kind; the backend's own error when it
// cannot be reached (no engine, no runtime binary).
Result<std::unique_ptr<SandboxBackend>> make_backend(const BackendChoice& choice);

}  // namespace corral::containers
