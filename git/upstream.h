// The repository corral merges into (a bare repository on this machine, or a
// remote), seen from the mirror: read a branch's tip, publish a new one
// without force. Credentials stay in corral's process; no sandbox sees them.
#pragma once

#include <string>

#include "core/status.h"

namespace corral::git {

struct Upstream {
  std::string url;          // a path, file://, https:// or ssh:// URL
  std::string credentials;  // "" or "env:NAME": a token in corral's environment, sent as the https password
};

// The branch the upstream's HEAD names ("main"); not_found if it has none.
Result<std::string> upstream_default_branch(const std::string& mirror_path, const Upstream& upstream);

// Fetches `branch` of the upstream into `local_ref` of the mirror and returns
// its commit ("" if the upstream has no such branch). `local_ref` records
// what the upstream has, so the fetch may move it any way.
Result<std::string> fetch_upstream_branch(const std::string& mirror_path, const Upstream& upstream,
                                          const std::string& branch, const std::string& local_ref);

// Makes `commit` (in the mirror) the upstream's `branch`, which must still be
// at `expected` ("" = absent): a compare-and-swap on a local repository, a
// push without force to a remote. failed_precondition if the upstream moved
// (fetch and try again); permission_denied if it would not be a fast-forward.
// A local repository with a working tree is refused when `branch` is checked
// out there (it would change files under someone's feet, as git refuses too).
Status publish_to_upstream(const std::string& mirror_path, const Upstream& upstream, const std::string& branch,
                           const std::string& expected, const std::string& commit);

// invalid_argument unless `credentials` is "" or "env:NAME".
Status check_credentials_reference(const std::string& credentials);

}  // namespace corral::git
