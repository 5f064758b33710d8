// How a repository's tier moves, from its track record: slow to trust, fast
// to distrust. Pure.
//
//   promotion  one tier at a time, when the success lower bound, the
//              rollback upper bound and the sample count all meet the next
//              tier's thresholds, and at least `promotion_gap` outcomes came
//              since the last change (evidence, not a streak of one);
//   demotion   at once, one tier, on a rollback or a refused force-push; and
//              when a failure takes the rates out of the current tier's
//              thresholds by more than `hysteresis` (so a record hovering at a
//              threshold does not flap; a success never demotes);
//   owners     a pin fixes the tier; a cap bounds it; "require human" keeps
//              at least one approval whatever the tier.
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "routing/kpi.h"
#include "routing/tier.h"

namespace corral::routing {

struct Thresholds {
  double min_success_lower = 0;  // to enter (or stay, less the hysteresis)
  double max_rollback_upper = 1;
  double min_samples = 0;
};

struct RoutingSettings {
  std::chrono::seconds half_life{std::chrono::hours(24 * 30)};
  std::chrono::seconds rollback_window{std::chrono::hours(24 * 30)};  // a later revert is not the merge's failure
  std::map<Tier, Thresholds> thresholds;  // for supervised, trusted, autonomous (observe has none)
  double hysteresis = 0.10;
  int promotion_gap = 5;
  std::optional<Tier> pin;
  std::optional<Tier> cap;
  bool require_human = false;
};

RoutingSettings default_routing_settings();
// The thresholds of `tier` in `settings`, else the defaults.
Thresholds thresholds_for(const RoutingSettings& settings, Tier tier);

struct TierState {
  Tier tier = Tier::kObserve;
  int outcomes_since_change = 0;
};

enum class Rule {
  kPinned,
  kDemotedRollback,
  kDemotedForcePush,
  kDemotedRates,
  kHeldTop,
  kHeldEvidence,
  kHeldGap,
  kPromoted,
  kIgnored  // an outcome that does not count (a rollback outside the window)
};

// Why the tier is what it is: the rule that decided and the numbers it
// compared (the words are made only when asked for: replaying a million
// outcomes should not format a million sentences).
struct TierDecision {
  Tier from = Tier::kObserve;
  Tier to = Tier::kObserve;
  Rule rule = Rule::kHeldEvidence;
  std::optional<Tier> capped_at;  // set when the owner's cap lowered `to`
  Kpis kpis;
  Tier measured_against = Tier::kObserve;  // whose thresholds were compared
  Thresholds thresholds;
  double slack = 0;               // hysteresis allowed below the thresholds
  int outcomes_since_change = 0;  // counting this one
  int promotion_gap = 0;
  std::string task;  // the task of a rollback

  bool changed() const { return from != to; }
  // e.g. "promoted", "demoted: rollback", "held: promotion gap", "pinned".
  std::string rule_name() const;
  // One sentence with the numbers and the thresholds.
  std::string reason() const;
};

// The tier after `latest` was added to the record whose KPIs are `kpis`.
TierDecision next_tier(const TierState& state, const Kpis& kpis, const Outcome& latest,
                       const RoutingSettings& settings);

struct TierStep {
  Outcome outcome;
  TierDecision decision;  // with the KPIs after the outcome
};

// Replays a repository's outcomes (in time order) from the lowest tier: the
// tier after each, and why. What `routing simulate` shows and what the daemon
// keeps current one outcome at a time.
std::vector<TierStep> replay(const std::vector<Outcome>& history, const RoutingSettings& settings);

}  // namespace corral::routing
