// Which host paths may be brought into a sandbox, and where.
//
// Pure: the caller resolves the host path (realpath) first, so symlinks and
// `..` are already gone; these rules then judge the canonical path.
#pragma once

#include <string>
#include <vector>

#include "core/status.h"

namespace corral::policy {

// Host paths that never enter a sandbox, with everything below them: the
// operator's homes and secrets, the kernel's interfaces, container runtimes'
// sockets and state, and corral's own data directory (passed in).
std::vector<std::string> forbidden_host_paths(const std::string& data_dir);

// ok if `canonical_host_path` (absolute, no `..`, no symlinks) is none of the
// forbidden paths, is not below one, and does not contain one (mounting `/`
// would expose everything). permission_denied naming the rule otherwise.
Status check_host_mount(const std::string& canonical_host_path, const std::vector<std::string>& forbidden);

// ok if `sandbox_path` is an absolute, normalised path that does not replace
// or shadow what the sandbox itself provides (/, /workspace, /proc, /dev,
// /sys, /etc, /tmp, the home, the host's /usr, corral's own /.corral).
// invalid_argument otherwise.
Status check_sandbox_target(const std::string& sandbox_path);

}  // namespace corral::policy
