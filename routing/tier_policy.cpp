#include "routing/tier_policy.h"

#include <cstdio>

namespace corral::routing {
namespace {

Tier above(Tier tier) { return tier == Tier::kAutonomous ? tier : static_cast<Tier>(static_cast<int>(tier) + 1); }
Tier below(Tier tier) { return tier == Tier::kObserve ? tier : static_cast<Tier>(static_cast<int>(tier) - 1); }
Tier lower_of(Tier a, Tier b) { return static_cast<int>(a) < static_cast<int>(b) ? a : b; }

std::string numbers(const Kpis& kpis) {
  char text[160];
  std::snprintf(text, sizeof text, "success %.2f (lower bound %.2f), rollback %.2f (upper bound %.2f), %.1f samples",
                kpis.success_rate, kpis.success_lower, kpis.rollback_rate, kpis.rollback_upper, kpis.samples);
  return text;
}

std::string against(Tier tier, const Thresholds& t, double slack) {
  char text[200];
  std::snprintf(text, sizeof text, "%s needs lower bound >= %.2f, rollback upper bound <= %.2f, samples >= %.0f",
                tier_name(tier), t.min_success_lower - slack, t.max_rollback_upper + slack, t.min_samples);
  return text;
}

// Decayed counts sit a hair under the whole number of outcomes minutes
// apart: a sample count within 1% of the minimum meets it.
bool enough_samples(const Kpis& kpis, const Thresholds& t) { return kpis.samples >= t.min_samples * 0.99; }

bool meets(const Kpis& kpis, const Thresholds& t, double slack) {
  return kpis.success_lower >= t.min_success_lower - slack && kpis.rollback_upper <= t.max_rollback_upper + slack &&
         enough_samples(kpis, t);
}

TierDecision decide(const TierState& state, const Kpis& kpis, const Outcome& latest, const RoutingSettings& settings) {
  TierDecision d;
  d.from = d.to = state.tier;
  d.kpis = kpis;
  d.outcomes_since_change = state.outcomes_since_change + 1;
  d.promotion_gap = settings.promotion_gap;
  Tier tier = state.tier;
  if (latest.kind == OutcomeKind::kRolledBack || latest.kind == OutcomeKind::kForcePushRefused) {
    d.rule = latest.kind == OutcomeKind::kRolledBack ? Rule::kDemotedRollback : Rule::kDemotedForcePush;
    d.task = latest.task;
    d.to = below(tier);
    return d;
  }
  bool failure = latest.kind != OutcomeKind::kMerged && latest.kind != OutcomeKind::kCancelled;
  if (failure && tier != Tier::kObserve) {  // a success never demotes, however old the record
    d.measured_against = tier;
    d.thresholds = thresholds_for(settings, tier);
    d.slack = settings.hysteresis;
    bool rates_ok = kpis.success_lower >= d.thresholds.min_success_lower - d.slack &&
                    kpis.rollback_upper <= d.thresholds.max_rollback_upper + d.slack;
    if (enough_samples(kpis, d.thresholds) && !rates_ok) {
      d.rule = Rule::kDemotedRates;
      d.to = below(tier);
      return d;
    }
  }
  if (tier == Tier::kAutonomous) {
    d.rule = Rule::kHeldTop;
    return d;
  }
  d.measured_against = above(tier);
  d.thresholds = thresholds_for(settings, d.measured_against);
  d.slack = 0;
  if (!meets(kpis, d.thresholds, 0)) {
    d.rule = Rule::kHeldEvidence;
    return d;
  }
  if (d.outcomes_since_change < settings.promotion_gap) {
    d.rule = Rule::kHeldGap;
    return d;
  }
  d.rule = Rule::kPromoted;
  d.to = d.measured_against;
  return d;
}

}  // namespace

RoutingSettings default_routing_settings() {
  RoutingSettings settings;
  settings.thresholds = {
      {Tier::kSupervised, {0.60, 0.30, 5}}, {Tier::kTrusted, {0.75, 0.15, 15}}, {Tier::kAutonomous, {0.85, 0.08, 40}}};
  return settings;
}

Thresholds thresholds_for(const RoutingSettings& settings, Tier tier) {
  auto it = settings.thresholds.find(tier);
  if (it != settings.thresholds.end()) return it->second;
  auto defaults = default_routing_settings().thresholds;
  auto known = defaults.find(tier);
  return known != defaults.end() ? known->second : Thresholds{};
}

std::string TierDecision::rule_name() const {
  static constexpr const char* kNames[] = {"pinned",
                                           "demoted: rollback",
                                           "demoted: refused force-push",
                                           "demoted: rates",
                                           "held: top tier",
                                           "held: not enough evidence",
                                           "held: promotion gap",
                                           "promoted",
                                           "ignored: rollback outside the window"};
  return std::string(kNames[static_cast<int>(rule)]) + (capped_at ? " (capped)" : "");
}

std::string TierDecision::reason() const {
  std::string text;
  switch (rule) {
    case Rule::kPinned:
      return std::string("the owner pinned the tier at ") + tier_name(to);
    case Rule::kDemotedRollback:
    case Rule::kDemotedForcePush: {
      std::string what = rule == Rule::kDemotedRollback ? "rollback" : "refused force-push";
      text = "a " + what + (task.empty() ? "" : " (" + task + ")") + " demotes at once; " + numbers(kpis);
      break;
    }
    case Rule::kHeldGap:
      text = std::to_string(outcomes_since_change) + " outcome(s) since the last change; promotion needs " +
             std::to_string(promotion_gap) + "; " + numbers(kpis);
      break;
    case Rule::kHeldTop:
      text = numbers(kpis);
      break;
    case Rule::kIgnored:
      text = "a rollback long after its merge (or of a merge not on record) changes nothing";
      break;
    default:
      text = numbers(kpis) + "; " + against(measured_against, thresholds, slack);
      break;
  }
  if (capped_at) text += std::string("; capped at ") + tier_name(*capped_at);
  return text;
}

TierDecision next_tier(const TierState& state, const Kpis& kpis, const Outcome& latest,
                       const RoutingSettings& settings) {
  if (settings.pin) {
    TierDecision pinned;
    pinned.from = state.tier;
    pinned.to = *settings.pin;
    pinned.rule = Rule::kPinned;
    pinned.kpis = kpis;
    return pinned;
  }
  TierDecision decision = decide(state, kpis, latest, settings);
  if (settings.cap && lower_of(decision.to, *settings.cap) != decision.to) {
    decision.capped_at = *settings.cap;
    decision.to = *settings.cap;
  }
  return decision;
}

std::vector<TierStep> replay(const std::vector<Outcome>& history, const RoutingSettings& settings) {
  std::vector<TierStep> steps;
  steps.reserve(history.size());
  TrackRecord record(settings.half_life, settings.rollback_window);
  TierState state;
  for (const Outcome& outcome : history) {
    bool counted = record.add(outcome);
    Kpis kpis = record.kpis(outcome.at);
    if (!counted) {
      TierDecision ignored;
      ignored.from = ignored.to = state.tier;
      ignored.rule = Rule::kIgnored;
      ignored.kpis = kpis;
      steps.push_back({outcome, ignored});
      continue;
    }
    TierDecision decision = next_tier(state, kpis, outcome, settings);
    state.outcomes_since_change = decision.changed() ? 0 : state.outcomes_since_change + 1;
    state.tier = decision.to;
    steps.push_back({outcome, decision});
  }
  return steps;
}

}  // namespace corral::routing
