// Giving files to the sandbox user, who must be able to change what the
// agent works on (and nothing else on the host).
#pragma once

#include <string>

#include "core/status.h"

namespace corral::runner {

// Hands `root` and everything under it to the sandbox user. A symlink is
// changed itself (lchown), never its target.
Status hand_over(const std::string& root);

}  // namespace corral::runner
