// The corral command's exit codes: small and stable, for scripts.
#pragma once

#include "core/status.h"

namespace corral::cli {

enum class ExitStatus : int {
  kSuccess = 0,
  kAgentFailed = 1,   // the agent ran and failed (or timed out, or ran out of memory)
  kBadInput = 2,      // the command line or what it names is wrong; nothing changed
  kCorralFailed = 3,  // corral could not do its part (runtime, disk, git)
  kAuditBroken = 4,   // `audit verify` found a broken chain
};

// The exit status for an error Status: bad input for the caller's mistakes,
// corral failure for the rest.
ExitStatus exit_status_for(const Status& status);

// Prints "corral: <message>" to stderr and returns the matching exit status.
int report_error(const Status& status);

}  // namespace corral::cli
