#include "admission/learning.h"

#include <nlohmann/json.hpp>

#include "store/event_record.h"

namespace corral::admission {
namespace {

using json = nlohmann::json;

TimePoint from_ms(int64_t ms) { return TimePoint{} + std::chrono::milliseconds(ms); }

std::optional<routing::OutcomeKind> outcome_of(store::TaskState state) {
  if (state == store::TaskState::kFailed) return routing::OutcomeKind::kRunFailed;
  auto kind = routing::parse_outcome(store::stored_name(state));
  if (kind == routing::OutcomeKind::kForcePushRefused) return std::nullopt;
  return kind;
}

}  // namespace

Status learn_if_outcome(store::Transaction& store, const store::QueuedTask& task, store::TaskState state) {
  auto kind = outcome_of(state);
  if (!kind) return Status::ok();
  return learn(store, task.repo_id, task.id, task.agent, *kind);
}

std::vector<routing::Outcome> to_outcomes(const std::vector<store::OutcomeRecord>& records) {
  std::vector<routing::Outcome> outcomes;
  outcomes.reserve(records.size());
  for (const auto& record : records) {
    auto kind = routing::parse_outcome(record.kind);
    if (kind) outcomes.push_back({*kind, from_ms(record.at_ms), record.task_id, record.agent});
  }
  return outcomes;
}

routing::RoutingSettings earning_settings(const settings::RepoSettings& settings) {
  routing::RoutingSettings earning = settings.routing;
  earning.pin.reset();
  earning.cap.reset();
  return earning;
}

TierInForce tier_in_force(const settings::RepoSettings& settings, const store::TierRecord& earned) {
  TierInForce out;
  out.earned = routing::parse_tier(earned.tier).value_or(routing::Tier::kObserve);
  out.tier = settings::effective_tier(settings, out.earned);
  out.why = earned.reason;
  if (settings.routing.pin) {
    out.why = std::string("pinned by the owner at ") + routing::tier_name(out.tier);
  } else if (out.tier != out.earned) {
    out.why = std::string("capped by the owner at ") + routing::tier_name(out.tier) + "; " + earned.reason;
  }
  return out;
}

std::map<std::string, routing::Kpis> kpis_by_agent(const std::vector<routing::Outcome>& history,
                                                   const routing::RoutingSettings& settings, TimePoint now) {
  std::map<std::string, routing::TrackRecord> tracks;
  for (const auto& outcome : history) {
    if (outcome.agent.empty()) continue;  // the repository's own (a refused force-push), no agent's
    tracks.try_emplace(outcome.agent, settings.half_life, settings.rollback_window).first->second.add(outcome);
  }
  std::map<std::string, routing::Kpis> kpis;
  for (const auto& [agent, track] : tracks) kpis[agent] = track.kpis(now);
  return kpis;
}

json kpis_json(const routing::Kpis& kpis) {
  return {{"samples", kpis.samples},
          {"success_rate", kpis.success_rate},
          {"success_lower", kpis.success_lower},
          {"rollback_rate", kpis.rollback_rate},
          {"rollback_upper", kpis.rollback_upper},
          {"trend", kpis.trend},
          {"merged", kpis.counts.merged},
          {"rolled_back", kpis.counts.rolled_back},
          {"rejected", kpis.counts.rejected},
          {"checks_failed", kpis.counts.checks_failed},
          {"refused", kpis.counts.refused},
          {"run_failed", kpis.counts.run_failed},
          {"cancelled", kpis.counts.cancelled},
          {"last_outcome", format_rfc3339(kpis.counts.last_outcome)}};
}

Status learn(store::Transaction& store, const std::string& repo_id, const std::string& task_id,
             const std::string& agent, routing::OutcomeKind kind) {
  CORRAL_RETURN_IF_ERROR(store.outcomes.record(repo_id, task_id, agent, routing::outcome_name(kind)));
  auto repo = store.records.find_repo(repo_id);
  if (!repo.is_ok()) return repo.status();
  if (!*repo) return Status::not_found("no repository " + repo_id);
  auto settings = settings::settings_of(**repo);
  if (!settings.is_ok()) return settings.status();
  routing::RoutingSettings earning = earning_settings(*settings);

  auto records = store.outcomes.of_repo(repo_id);
  if (!records.is_ok()) return records.status();
  std::vector<routing::Outcome> history = to_outcomes(*records);
  routing::TrackRecord record(earning.half_life, earning.rollback_window);
  bool counted = true;
  for (const auto& outcome : history) counted = record.add(outcome);
  if (!counted) return Status::ok();  // recorded, but it moves nothing (a rollback outside the window)
  routing::Kpis kpis = record.kpis(history.back().at);

  auto stored = store.outcomes.tier(repo_id);
  if (!stored.is_ok()) return stored.status();
  routing::TierState state{routing::parse_tier(stored->tier).value_or(routing::Tier::kObserve),
                           stored->outcomes_since_change};
  routing::TierDecision decision = routing::next_tier(state, kpis, history.back(), earning);
  // The latest decision is kept with its reasons (what `repo show` answers
  // to "why"), changed or not; the change time only moves on a change.
  store::TierRecord next = *stored;
  next.outcomes_since_change = decision.changed() ? 0 : stored->outcomes_since_change + 1;
  next.tier = routing::tier_name(decision.to);
  next.rule = decision.rule_name();
  next.reason = decision.reason();
  if (decision.changed()) next.changed_at = "";
  CORRAL_RETURN_IF_ERROR(store.outcomes.set_tier(next));
  if (!decision.changed()) return Status::ok();
  const routing::Thresholds& thresholds = decision.thresholds;
  json payload = {{"from", routing::tier_name(decision.from)},
                  {"to", routing::tier_name(decision.to)},
                  {"in_force", routing::tier_name(settings::effective_tier(*settings, decision.to))},
                  {"rule", decision.rule_name()},
                  {"reason", decision.reason()},
                  {"outcome", routing::outcome_name(kind)},
                  {"kpis", kpis_json(kpis)},
                  {"thresholds",
                   {{"tier", routing::tier_name(decision.measured_against)},
                    {"hysteresis", decision.slack},
                    {"min_success_lower", thresholds.min_success_lower},
                    {"max_rollback_upper", thresholds.max_rollback_upper},
                    {"min_samples", thresholds.min_samples}}}};
  return store::RepoEvent("tier.changed", repo_id).caused_by(task_id).payload(payload).record(store.events);
}

}  // namespace corral::admission
