#include "api/repo_desk.h"

#include <nlohmann/json.hpp>

#include "admission/learning.h"
#include "admission/policy_replay.h"
#include "api/repo_access.h"
#include "api/settings_versions.h"
#include "core/clock.h"
#include "routing/grant.h"
#include "routing/kpi_history.h"
#include "settings/repo_settings.h"
#include "store/event_record.h"

namespace corral::api {
namespace {

using json = nlohmann::json;

// The repository's track record: overall and per agent profile, read now.
json track_record_json(const std::vector<routing::Outcome>& history, const settings::RepoSettings& settings,
                       TimePoint now) {
  routing::TrackRecord overall(settings.routing.half_life, settings.routing.rollback_window);
  for (const auto& outcome : history) overall.add(outcome);
  json agents = json::object();
  for (const auto& [agent, kpis] : admission::kpis_by_agent(history, settings.routing, now))
    agents[agent] = admission::kpis_json(kpis);
  return {{"overall", admission::kpis_json(overall.kpis(now))}, {"agents", agents}};
}

json repo_json(const store::RepoRecord& repo, const settings::RepoSettings& settings, const store::TierRecord& tier,
               const std::vector<routing::Outcome>& history, TimePoint now) {
  admission::TierInForce in_force = admission::tier_in_force(settings, tier);
  routing::TierLimits limits = settings::limits_of(settings, in_force.tier);
  return {
      {"id", repo.id},
      {"path", repo.source_path},
      {"tier",
       {{"in_force", routing::tier_name(in_force.tier)},
        {"earned", tier.tier},
        {"rule", tier.rule},
        {"why", in_force.why},
        {"changed_at", tier.changed_at},
        {"outcomes_since_change", tier.outcomes_since_change}}},
      {"kpis", track_record_json(history, settings, now)},
      {"settings", settings::settings_json(settings)},
      {"limits", {{"approvals", limits.approvals}, {"max_files", limits.max_files}, {"max_lines", limits.max_lines}}}};
}

Result<json> describe(store::Transaction& store, const store::RepoRecord& repo, const settings::RepoSettings& settings,
                      TimePoint now) {
  auto tier = store.outcomes.tier(repo.id);
  if (!tier.is_ok()) return tier.status();
  auto outcomes = store.outcomes.of_repo(repo.id);
  if (!outcomes.is_ok()) return outcomes.status();
  return repo_json(repo, settings, *tier, admission::to_outcomes(*outcomes), now);
}

json limits_json(const settings::RepoSettings& settings, routing::Tier tier) {
  routing::SandboxLimits ceiling = routing::tier_ceiling(tier);
  routing::TierLimits limits = settings::limits_of(settings, tier);
  return {{"tier", routing::tier_name(tier)},
          {"approvals", limits.approvals},
          {"max_files", limits.max_files},
          {"max_lines", limits.max_lines},
          {"timeout_seconds", ceiling.timeout.count()},
          {"memory_bytes", ceiling.memory_bytes}};
}

// One replay: each outcome with the grant its task ran under (the tier in
// force before it) and the decision it caused.
json replay_json(const std::vector<routing::Outcome>& history, const settings::RepoSettings& settings) {
  json steps = json::array();
  routing::Tier before = settings::effective_tier(settings, routing::Tier::kObserve);
  for (const auto& step : routing::replay(history, admission::earning_settings(settings))) {
    routing::Tier after = settings::effective_tier(settings, step.decision.to);
    steps.push_back({{"at", format_rfc3339(step.outcome.at)},
                     {"task", step.outcome.task},
                     {"agent", step.outcome.agent},
                     {"outcome", routing::outcome_name(step.outcome.kind)},
                     {"granted", limits_json(settings, before)},
                     {"tier_after", routing::tier_name(after)},
                     {"rule", step.decision.rule_name()},
                     {"reason", step.decision.reason()}});
    before = after;
  }
  return steps;
}

}  // namespace

Result<json> RepoDesk::replay_policy(const policy::Caller& caller, const std::string& repo_id, const json& body,
                                     int days) {
  return store_.with([&](store::Transaction& store) -> Result<json> {
    CORRAL_ASSIGN_OR_RETURN(store::RepoRecord repo, repo_for(store, caller, repo_id, policy::Action::kRead));
    CORRAL_ASSIGN_OR_RETURN(settings::RepoSettings current, settings::settings_of(repo));
    CORRAL_ASSIGN_OR_RETURN(settings::RepoSettings proposed, settings::change_settings(current, body));
    std::string since = format_rfc3339(store_.clock().now() - std::chrono::hours(24) * days);
    CORRAL_ASSIGN_OR_RETURN(admission::PolicyReplay replay,
                            admission::replay_policy(store, repo_id, proposed.boundaries, since));
    json changed = json::array();
    for (const auto& decision : replay.changed)
      changed.push_back({{"seq", decision.seq},
                         {"task", decision.task},
                         {"kind", decision.kind},
                         {"what", decision.what},
                         {"was", decision.was},
                         {"would_be", decision.would_be},
                         {"rule", decision.rule},
                         {"reason", decision.reason}});
    return json{{"repo", repo_id},
                {"since", since},
                {"days", days},
                {"tool_calls", replay.tool_calls},
                {"egress_requests", replay.egress_requests},
                {"changes", replay.changes},
                {"changed", changed},
                {"truncated", replay.truncated}};
  });
}

Result<json> RepoDesk::simulate(const policy::Caller& caller, const std::string& repo_id, const json& body,
                                int64_t version) {
  return store_.with([&](store::Transaction& store) -> Result<json> {
    auto repo = repo_for(store, caller, repo_id, policy::Action::kRead);
    if (!repo.is_ok()) return repo.status();
    auto current = settings::settings_of(*repo);
    if (!current.is_ok()) return current.status();
    auto base = version ? settings_of_version(store, repo_id, version) : Result<settings::RepoSettings>(*current);
    if (!base.is_ok()) return base.status();
    auto proposed = settings::change_settings(*base, body);
    if (!proposed.is_ok()) return proposed.status();
    auto outcomes = store.outcomes.of_repo(repo_id);
    if (!outcomes.is_ok()) return outcomes.status();
    std::vector<routing::Outcome> history = admission::to_outcomes(*outcomes);
    json actual = replay_json(history, *current), simulated = replay_json(history, *proposed);
    json steps = json::array();
    int differing = 0;
    for (size_t i = 0; i < history.size(); ++i) {
      json step = simulated[i];
      step["now"] = {{"granted", actual[i]["granted"]}, {"tier_after", actual[i]["tier_after"]}};
      differing += actual[i]["tier_after"] != simulated[i]["tier_after"];
      steps.push_back(std::move(step));
    }
    // With no history the tier is what the settings make of the lowest one:
    // each side under its own settings (a proposed pin shows at once).
    auto last = [&](const json& replayed, const settings::RepoSettings& under) {
      return replayed.empty() ? json(routing::tier_name(settings::effective_tier(under, routing::Tier::kObserve)))
                              : replayed.back()["tier_after"];
    };
    return json{{"repo", repo_id},
                {"outcomes", history.size()},
                {"tier_now", last(actual, *current)},
                {"tier_proposed", last(simulated, *proposed)},
                {"steps_with_a_different_tier", differing},
                {"proposed_settings", settings::settings_json(*proposed)},
                {"steps", steps}};
  });
}

Result<json> RepoDesk::kpi_history(const policy::Caller& caller, const std::string& repo_id) {
  constexpr size_t kChartPoints = 300;  // per series: a chart's width, not the history's length
  return store_.with([&](store::Transaction& store) -> Result<json> {
    auto repo = repo_for(store, caller, repo_id, policy::Action::kRead);
    if (!repo.is_ok()) return repo.status();
    auto settings = settings::settings_of(*repo);
    if (!settings.is_ok()) return settings.status();
    auto outcomes = store.outcomes.of_repo(repo_id);
    if (!outcomes.is_ok()) return outcomes.status();
    std::vector<routing::Outcome> history = admission::to_outcomes(*outcomes);
    routing::RoutingSettings earning = admission::earning_settings(*settings);
    json series = json::object();
    for (const auto& [agent, points] :
         routing::kpi_history(history, earning.half_life, earning.rollback_window, kChartPoints)) {
      json& out = series[agent] = json::array();
      for (const auto& point : points) {
        json item = admission::kpis_json(point.kpis);
        item["time"] = format_rfc3339(point.at);
        out.push_back(std::move(item));
      }
    }
    constexpr size_t kRecent = 20;
    json recent = json::array();
    for (size_t i = history.size() > kRecent ? history.size() - kRecent : 0; i < history.size(); ++i) {
      recent.push_back({{"at", format_rfc3339(history[i].at)},
                        {"task", history[i].task},
                        {"agent", history[i].agent},
                        {"outcome", routing::outcome_name(history[i].kind)}});
    }
    return json{{"repo", repo_id}, {"outcomes", history.size()}, {"series", series}, {"recent", recent}};
  });
}

Result<json> RepoDesk::show(const policy::Caller& caller, const std::string& repo_id) {
  return store_.with([&](store::Transaction& store) -> Result<json> {
    auto repo = repo_for(store, caller, repo_id, policy::Action::kRead);
    if (!repo.is_ok()) return repo.status();
    auto settings = settings::settings_of(*repo);
    if (!settings.is_ok()) return settings.status();
    return describe(store, *repo, *settings, store_.clock().now());
  });
}

Result<json> RepoDesk::change(const policy::Caller& caller, const std::string& repo_id, const json& body,
                              const std::string& reason) {
  return store_.with([&](store::Transaction& store) -> Result<json> {
    auto repo = repo_for(store, caller, repo_id, policy::Action::kManageRepo);
    if (!repo.is_ok()) return repo.status();
    auto before = settings::settings_of(*repo);
    if (!before.is_ok()) return before.status();
    auto after = settings::change_settings(*before, body);
    if (!after.is_ok()) return after.status();
    auto version = apply_settings(store, *repo, *before, *after, {body, caller.name, reason});
    if (!version.is_ok()) return version.status();
    store::RepoRecord updated = *repo;
    updated.settings = version->settings;
    auto out = describe(store, updated, *after, store_.clock().now());
    if (out.is_ok()) (*out)["version"] = version->version;
    return out;
  });
}

}  // namespace corral::api
