// The Docker Engine API's container-create body for a SandboxSpec: the same
// hardened profile as the OCI backend, in the engine's words. Pure, so it is
// unit-tested field by field. Internal to containers/.
#pragma once

#include <nlohmann/json_fwd.hpp>

#include <string>

#include "containers/sandbox_spec.h"

namespace corral::containers {

// `owner` is stored as the corral.owner label: list_ours() finds only this
// corral's containers (one engine may serve several data directories).
nlohmann::json docker_create_body(const SandboxSpec& spec, const std::string& owner);

}  // namespace corral::containers
