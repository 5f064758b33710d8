// The seccomp profile of every sandbox, in the OCI runtime spec's format
// (config.json "linux.seccomp"). Internal to containers/.
//
// Default allow with a deny list: what a coding agent legitimately runs
// (compilers, interpreters, package managers, test suites) is too varied for
// an allow list we could maintain; the list denies what only escapes,
// kernel attacks and debugging of other processes need.
#pragma once

#include <nlohmann/json_fwd.hpp>

#include <string>
#include <vector>

namespace corral::containers {

// System calls that fail with EPERM in every sandbox.
const std::vector<std::string>& denied_syscalls();

nlohmann::json seccomp_profile();

}  // namespace corral::containers
