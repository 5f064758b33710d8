// What an agent changed, read from its overlay's upper layer alone: the cost
// follows the change, not the repository.
#pragma once

#include <string>
#include <vector>

#include "core/status.h"
#include "git/change_commit.h"

namespace corral::runner {

// The changes `upper` records over the lower layer, in the order
// git::commit_changes applies them:
//   a whiteout (a 0/0 character device)      the path was removed
//   an opaque directory                      removed, then what it holds written
//   a redirected (renamed) directory         removed, then everything `merged` shows under it written
//   any other directory                      what it holds
//   anything else                            written
// `.git` entries are the agent's own repository and are skipped. Only the
// kernel writes whiteouts and overlay attributes (trusted.* needs a
// capability the sandbox lacks), so the layer's shape can be trusted; the
// contents are the agent's, and are read as data, links never followed.
Result<std::vector<git::PathChange>> upper_layer_changes(const std::string& upper, const std::string& merged);

}  // namespace corral::runner
