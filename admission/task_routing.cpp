#include "admission/task_routing.h"

#include <nlohmann/json.hpp>

#include <functional>

#include "admission/learning.h"
#include "routing/agent_choice.h"
#include "settings/repo_settings.h"
#include "store/event_record.h"

namespace corral::admission {
namespace {

using json = nlohmann::json;

// A task's draw in [0, 1): the same task always draws the same, so a retry
// is routed like its first run.
double draw_for(const std::string& task_id) {
  return static_cast<double>(std::hash<std::string>{}(task_id) % 10000) / 10000.0;
}

json limits_json(const routing::SandboxLimits& limits) {
  return {{"timeout_seconds", limits.timeout.count()},
          {"memory_bytes", limits.memory_bytes},
          {"pids", limits.pids},
          {"cpus", limits.cpus}};
}

}  // namespace

Result<RoutedTask> route_task(store::Transaction& store, const store::QueuedTask& task, const std::string& run_id,
                              const routing::LimitRequest& asked, TimePoint now) {
  auto repo = store.records.find_repo(task.repo_id);
  if (!repo.is_ok()) return repo.status();
  if (!*repo) return Status::not_found("no repository " + task.repo_id);
  auto settings = settings::settings_of(**repo);
  if (!settings.is_ok()) return settings.status();
  auto earned = store.outcomes.tier(task.repo_id);
  if (!earned.is_ok()) return earned.status();

  RoutedTask routed;
  routed.boundaries = settings->boundaries;
  TierInForce in_force = tier_in_force(*settings, *earned);
  routed.tier = in_force.tier;
  std::string clamped;
  auto grant = routing::grant_for_tier(routed.tier, asked, &clamped);
  if (!grant.is_ok()) return grant.status();
  routed.grant = *grant;

  json payload = {{"tier", routing::tier_name(routed.tier)},
                  {"earned", earned->tier},
                  {"why", in_force.why},
                  {"grant", limits_json(routed.grant.limits)},
                  {"network", routed.grant.network ? "allowlist" : "none"},
                  {"approvals", settings::limits_of(*settings, routed.tier).approvals}};
  if (!clamped.empty()) payload["held_to_tier"] = clamped;
  routed.agent = task.agent;
  if (routed.agent.empty()) {
    auto outcomes = store.outcomes.of_repo(task.repo_id);
    if (!outcomes.is_ok()) return outcomes.status();
    bool low_risk = settings::limits_of(*settings, routed.tier).approvals > 0;  // a human reviews the result anyway
    auto choice = routing::choose_agent(settings->agents, kpis_by_agent(to_outcomes(*outcomes), settings->routing, now),
                                        low_risk, draw_for(task.id), settings->exploration_share);
    routed.agent = choice.agent;
    payload["agent"] = {{"chosen", choice.agent}, {"rule", choice.rule}, {"reason", choice.reason}};
    CORRAL_RETURN_IF_ERROR(store.queue.set_agent(task.id, routed.agent));
  }
  CORRAL_RETURN_IF_ERROR(store::TaskEvent("task.routed", task).run(run_id).payload(payload).record(store.events));
  return routed;
}

}  // namespace corral::admission
