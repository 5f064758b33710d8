// An OCI bundle on disk: <dir>/config.json and <dir>/rootfs, a skeleton root
// that holds only what corral writes (the generated /etc files and the /usr
// symlinks); everything else is mounted. Internal to containers/.
#pragma once

#include <string>

#include "containers/sandbox_spec.h"
#include "core/status.h"

namespace corral::containers {

// Writes the bundle for `spec` into `bundle_dir` (created; must not exist).
Status write_bundle(const std::string& bundle_dir, const SandboxSpec& spec, const std::string& cgroup_parent);

// Removes a bundle directory without following symlinks. ok if it is gone.
Status remove_bundle(const std::string& bundle_dir);

}  // namespace corral::containers
