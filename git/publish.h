// Publishing a task branch from the mirror to the user's repository, so its
// owner can inspect it with plain git.
#pragma once

#include <string>

#include "core/status.h"

namespace corral::git {

// Pushes `branch` from the mirror to `target_path` as a new branch of the
// same name. Never forces: already_exists if the target has that branch
// (whatever it points at), failed_precondition if the target rejects the push.
Status publish_branch(const std::string& mirror_path, const std::string& target_path,
                      const std::string& branch);

}  // namespace corral::git
