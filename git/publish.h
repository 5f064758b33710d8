// Publishing a task branch from the mirror to the user's repository, so its
// owner can inspect it with plain git.
#pragma once

#include <string>

#include "core/status.h"

namespace corral::git {

// Makes `branch` of the mirror a new branch of the same name in the local
// repository at `target_path` (bare or not). The target fetches the commits
// from the mirror (libgit2 cannot push into a non-bare repository), then the
// branch is created without force: already_exists if the target has that
// branch, whatever it points at. No other ref and no working-tree file of the
// target changes. The branch is corral's alone and its caller holds the
// mirror's lock, so a lock file of that ref is one a killed corral left:
// it is removed, not waited on.
Status publish_branch(const std::string& mirror_path, const std::string& target_path, const std::string& branch);

}  // namespace corral::git
