#include "routing/tier.h"

#include <algorithm>

namespace corral::routing {

TierLimits default_limits(Tier tier) {
  switch (tier) {
    case Tier::kObserve:
      return {2, 20, 500};
    case Tier::kSupervised:
      return {1, 50, 2000};
    case Tier::kTrusted:
      return {1, 100, 5000};
    case Tier::kAutonomous:
      return {0, 100, 5000};
  }
  return {2, 20, 500};
}

const char* tier_name(Tier tier) {
  switch (tier) {
    case Tier::kObserve:
      return "observe";
    case Tier::kSupervised:
      return "supervised";
    case Tier::kTrusted:
      return "trusted";
    case Tier::kAutonomous:
      return "autonomous";
  }
  return "observe";
}

std::optional<Tier> parse_tier(const std::string& name) {
  for (Tier tier : {Tier::kObserve, Tier::kSupervised, Tier::kTrusted, Tier::kAutonomous}) {
    if (name == tier_name(tier)) return tier;
  }
  return std::nullopt;
}

int approvals_needed(const TierLimits& limits, bool diff_needs_a_human) {
  return diff_needs_a_human ? std::max(limits.approvals, 1) : limits.approvals;
}

}  // namespace corral::routing
