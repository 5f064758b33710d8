// The OCI runtime spec (config.json) for a SandboxSpec: pure, so the
// hardened profile is unit-tested field by field. Internal to containers/.
#pragma once

#include <nlohmann/json_fwd.hpp>

#include <string>
#include <vector>

#include "containers/sandbox_spec.h"

namespace corral::containers {

// Host /etc entries a sandbox sees, read-only, when the host has them: what
// the dynamic linker, TLS and time zones need. Never passwd, shadow, sudoers,
// ssh or anything with credentials; passwd and group are generated instead.
const std::vector<std::string>& shared_etc_entries();

// `host_binds`: host paths the sandbox sees read-only at the same place: the
// subset of shared_etc_entries() the host has, and /bin, /lib, … on a host
// whose /usr is not merged.
// `cgroup_parent`: e.g. "/corral"; the sandbox's cgroup is <parent>/<name>.
// `rootfs`: the root directory (relative to the bundle, or absolute).
nlohmann::json oci_config(const SandboxSpec& spec, const std::vector<std::string>& host_binds,
                          const std::string& cgroup_parent, const std::string& rootfs);

}  // namespace corral::containers
