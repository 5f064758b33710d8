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

std::string against(const Thresholds& t, double slack) {
  char text[160];
  std::snprintf(text, sizeof text, "needs lower bound >= %.2f, rollback upper bound <= %.2f, samples >= %.0f",
                t.min_success_lower - slack, t.max_rollback_upper + slack, t.min_samples);
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
  Tier tier = state.tier;
  if (latest.kind == OutcomeKind::kRolledBack || latest.kind == OutcomeKind::kForcePushRefused) {
    std::string what = latest.kind == OutcomeKind::kRolledBack ? "rollback" : "refused force-push";
    return {tier, below(tier), "demoted: " + what,
            "a " + what + (latest.task.empty() ? "" : " (" + latest.task + ")") + " demotes at once; " + numbers(kpis)};
  }
  bool failure = latest.kind != OutcomeKind::kMerged && latest.kind != OutcomeKind::kCancelled;
  if (failure && tier != Tier::kObserve) {  // a success never demotes, however old the record
    Thresholds keep = thresholds_for(settings, tier);
    bool samples_ok = enough_samples(kpis, keep);
    bool rates_ok = kpis.success_lower >= keep.min_success_lower - settings.hysteresis &&
                    kpis.rollback_upper <= keep.max_rollback_upper + settings.hysteresis;
    if (samples_ok && !rates_ok) {
      return {tier, below(tier), "demoted: rates",
              numbers(kpis) + "; " + tier_name(tier) + " " + against(keep, settings.hysteresis)};
    }
  }
  if (tier == Tier::kAutonomous) return {tier, tier, "held: top tier", numbers(kpis)};
  Tier next = above(tier);
  Thresholds enter = thresholds_for(settings, next);
  if (!meets(kpis, enter, 0)) {
    return {tier, tier, "held: not enough evidence", numbers(kpis) + "; " + tier_name(next) + " " + against(enter, 0)};
  }
  if (state.outcomes_since_change + 1 < settings.promotion_gap) {
    return {tier, tier, "held: promotion gap",
            std::to_string(state.outcomes_since_change + 1) + " outcome(s) since the last change; promotion needs " +
                std::to_string(settings.promotion_gap) + "; " + numbers(kpis)};
  }
  return {tier, next, "promoted", numbers(kpis) + "; " + tier_name(next) + " " + against(enter, 0)};
}

}  // namespace

RoutingSettings default_routing_settings() {
  RoutingSettings settings;
  settings.thresholds = {{Tier::kSupervised, {0.60, 0.30, 5}},
                         {Tier::kTrusted, {0.75, 0.15, 15}},
                         {Tier::kAutonomous, {0.85, 0.08, 40}}};
  return settings;
}

Thresholds thresholds_for(const RoutingSettings& settings, Tier tier) {
  auto it = settings.thresholds.find(tier);
  if (it != settings.thresholds.end()) return it->second;
  auto defaults = default_routing_settings().thresholds;
  auto known = defaults.find(tier);
  return known != defaults.end() ? known->second : Thresholds{};
}

TierDecision next_tier(const TierState& state, const Kpis& kpis, const Outcome& latest,
                       const RoutingSettings& settings) {
  if (settings.pin) {
    return {state.tier, *settings.pin, "pinned", std::string("the owner pinned the tier at ") + tier_name(*settings.pin)};
  }
  TierDecision decision = decide(state, kpis, latest, settings);
  if (settings.cap && lower_of(decision.to, *settings.cap) != decision.to) {
    decision.reason += std::string("; capped at ") + tier_name(*settings.cap);
    decision.rule += " (capped)";
    decision.to = *settings.cap;
  }
  return decision;
}

std::vector<TierStep> replay(const std::vector<Outcome>& history, const RoutingSettings& settings) {
  std::vector<TierStep> steps;
  steps.reserve(history.size());
  TrackRecord record(settings.half_life);
  TierState state;
  for (const Outcome& outcome : history) {
    record.add(outcome);
    Kpis kpis = record.kpis(outcome.at);
    TierDecision decision = next_tier(state, kpis, outcome, settings);
    state.outcomes_since_change = decision.changed() ? 0 : state.outcomes_since_change + 1;
    state.tier = decision.to;
    steps.push_back({outcome, kpis, decision});
  }
  return steps;
}

}  // namespace corral::routing
