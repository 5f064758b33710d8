// Autonomy tiers and what each lets through the commit step. Which tier a
// repository is in is decided elsewhere (an owner's pin today; earned from
// outcomes once KPI routing exists); this file says what a tier means.
//
//   tier         approvals  max files  max lines
//   observe          2          20        500
//   supervised       1          50       2000
//   trusted          1         100       5000
//   autonomous       0         100       5000   (0: merges with no human when the diff rules pass)
#pragma once

#include <optional>
#include <string>

namespace corral::routing {

enum class Tier { kObserve, kSupervised, kTrusted, kAutonomous };

struct TierLimits {
  int approvals = 2;  // human approvals the commit step requires
  int max_files = 20;
  int max_lines = 500;
};

TierLimits default_limits(Tier tier);

const char* tier_name(Tier tier);
std::optional<Tier> parse_tier(const std::string& name);

// Approvals a change needs: the tier's, and at least one when the diff rules
// asked for a human (never zero then, whatever the tier allows).
int approvals_needed(const TierLimits& limits, bool diff_needs_a_human);

}  // namespace corral::routing
