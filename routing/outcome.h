// What became of a task, as routing learns from it. A task may have two: it
// was merged, and later rolled back (which turns that success into a failure).
#pragma once

#include <optional>
#include <string>

#include "core/clock.h"

namespace corral::routing {

enum class OutcomeKind {
  kMerged,        // its work reached the shared branch
  kRolledBack,    // merged earlier, reverted now (by corral task rollback or a revert upstream)
  kRejected,      // a reviewer said no
  kChecksFailed,  // the check command failed on the merged result
  kRefused,       // the diff rules refused it
  kRunFailed,     // the agent failed, timed out or ran out of memory
  kCancelled,     // neither success nor failure: not counted in rates
  // A rewrite of a protected branch refused: demotes, not a task outcome.
  // Earlier versions recorded one for a person's refused request; now only
  // an alert is raised for those, and this kind is read from stored rows.
  kForcePushRefused,
};

struct Outcome {
  OutcomeKind kind = OutcomeKind::kMerged;
  TimePoint at;
  std::string task;
  std::string agent;  // the agent profile that did the work ("" when none)
};

const char* outcome_name(OutcomeKind kind);
std::optional<OutcomeKind> parse_outcome(const std::string& name);

}  // namespace corral::routing
