// corral's record of a shared branch in the mirror, and the one way it moves:
// forward, by compare-and-swap. Nothing else in corral writes these refs.
#pragma once

#include <string>

#include "core/status.h"

namespace corral::git {

// The commit `ref` points at, or "" if it does not exist.
Result<std::string> read_ref(const std::string& repo_path, const std::string& ref);

// Moves `ref` from `expected` ("" = it must not exist yet) to `new_tip`, in
// one compare-and-swap, and only forward:
//   failed_precondition  `ref` is no longer at `expected` (someone moved it);
//   permission_denied    `expected` is not an ancestor of `new_tip` (the move
//                        would drop commits; the message counts them).
// Nothing changes on failure.
Status advance_ref(const std::string& repo_path, const std::string& ref, const std::string& expected,
                   const std::string& new_tip, const std::string& log_message);

// The one backward move: withdraws a tip corral wrote to its own record and
// could not publish (the upstream refused it), from `unpublished` back to
// `published`, which must be its ancestor ("" = the ref did not exist: it is
// removed). Compare-and-swap like advance_ref.
Status withdraw_unpublished(const std::string& repo_path, const std::string& ref, const std::string& unpublished,
                            const std::string& published);

}  // namespace corral::git
