// The data directory: where corral keeps its database, mirrors, worktrees and
// sandbox bundles. Resolved once, from the flag, then $CORRAL_DATA_DIR, then
// $HOME/.local/share/corral.
#pragma once

#include <string>

#include "core/status.h"

namespace corral {

// The path the user asked for (flag_value wins when non-empty), not yet created.
std::string resolve_data_dir(const std::string& flag_value);

// Creates the directory (mode 0700) and its parents if missing and proves it is
// writable by creating and removing a probe file. Returns the absolute path, or
// a Status that says what is wrong with it.
Result<std::string> prepare_data_dir(const std::string& path);

}  // namespace corral
