// The files no agent should write or hand around: private keys, credential
// stores, env files, cloud and registry configs (path_glob patterns). One
// list for the diff rules (diff_checks.h) and tool-call paths (path_rules.h);
// owners add to it.
#pragma once

#include <string>
#include <vector>

namespace corral::policy {

std::vector<std::string> default_sensitive_patterns();

}  // namespace corral::policy
