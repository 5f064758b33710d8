// An OCI bundle on disk: <dir>/config.json, whose root is a skeleton that
// holds only what corral writes (the generated /etc files and the /usr
// symlinks); everything else is mounted. The skeleton is the same for every
// sandbox and read-only inside them, so all bundles of one directory share it
// (<parent>/.rootfs), made once: a runtime then finds its mount points in
// place, as it does for a bundle it ran before. Internal to containers/.
#pragma once

#include <string>

#include "containers/sandbox_spec.h"
#include "core/status.h"

namespace corral::containers {

// Writes the bundle for `spec` into `bundle_dir` (created; must not exist),
// making the shared skeleton beside it first if it is missing.
Status write_bundle(const std::string& bundle_dir, const SandboxSpec& spec, const std::string& cgroup_parent);

// True for the shared skeleton's directory entry (not a bundle).
bool is_shared_rootfs(const std::string& entry_name);

// Removes a bundle directory without following symlinks. ok if it is gone.
Status remove_bundle(const std::string& bundle_dir);

}  // namespace corral::containers
