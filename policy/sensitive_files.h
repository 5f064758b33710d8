// The files no agent should read, write or hand around: private keys,
// credential stores, env files, cloud, registry and cluster configs,
// Terraform state, database passwords, shell history (path_glob patterns).
// One list for the diff rules (diff_checks.h) and tool-call paths
// (path_rules.h). A pattern starting with '!' says what is not sensitive
// (templates and examples, public keys); owners add both kinds, so an owner
// removes a default by adding its negation.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace corral::policy {

std::vector<std::string> default_sensitive_patterns();

// The pattern that makes `path` sensitive, or nullptr: the first one that
// matches, unless some '!' pattern matches too.
const std::string* sensitive_match(const std::vector<std::string>& patterns, std::string_view path);

}  // namespace corral::policy
