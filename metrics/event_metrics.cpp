#include "metrics/event_metrics.h"

#include <nlohmann/json.hpp>

#include "alerts/raised_alert.h"
#include "core/clock.h"
#include "routing/tier.h"
#include "settings/repo_settings.h"

namespace corral::metrics {
namespace {

using nlohmann::json;

const std::vector<double> kShortSeconds = {0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60};
const std::vector<double> kLongSeconds = {1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600};

std::string text(const json& payload, const char* key) {
  auto it = payload.find(key);
  return it != payload.end() && it->is_string() ? it->get<std::string>() : std::string();
}

double number(const json& payload, const char* key) {
  auto it = payload.find(key);
  return it != payload.end() && it->is_number() ? it->get<double>() : 0;
}

// Takes `task`'s start of a step out of `starts`, if it is there.
std::optional<double> take(std::map<std::string, double>& starts, const std::string& task) {
  auto found = starts.find(task);
  if (found == starts.end()) return std::nullopt;
  double at = found->second;
  starts.erase(found);
  return at;
}

}  // namespace

EventMetrics::EventMetrics() {
  registry_.counter("corral_events_total", "Events stored, by type", {"type"});
  registry_.counter("corral_runs_started_total", "Runs started", {"repo", "agent"});
  registry_.counter("corral_runs_ended_total", "Runs ended, by outcome (succeeded, failed, requeued, cancelled)",
                    {"repo", "agent", "outcome"});
  registry_.histogram("corral_dispatch_delay_seconds", "From a task queued (or requeued) to its run started", {"repo"},
                      kLongSeconds);
  registry_.histogram("corral_sandbox_start_seconds", "From a run routed to its sandbox created", {}, kShortSeconds);
  registry_.histogram("corral_run_duration_seconds", "From a run started to its task finished or failed",
                      {"repo", "outcome"}, kLongSeconds);
  registry_.histogram("corral_merge_duration_seconds",
                      "From a change mergeable (proposed, or its last approval) to merged", {"repo"}, kLongSeconds);
  registry_.counter("corral_llm_tokens_total", "Model tokens, by kind (input, output, cache_read, cache_write)",
                    {"repo", "agent", "kind"});
  registry_.counter("corral_llm_calls_total", "Model calls", {"repo", "agent"});
  registry_.counter("corral_llm_cost_usd_total", "Model calls' cost where a price is configured", {"repo", "agent"});
  registry_.counter("corral_tool_calls_total", "Tool calls, by verdict (allowed, flagged, blocked) and rule",
                    {"repo", "verdict", "rule"});
  registry_.counter("corral_egress_requests_total", "Egress requests, by verdict (allowed, denied)",
                    {"repo", "verdict"});
  registry_.counter("corral_merges_total", "Changes merged into a shared branch", {"repo"});
  registry_.counter("corral_merge_refusals_total", "Merges and branch moves refused", {"repo"});
  registry_.counter("corral_rollbacks_total", "Merged changes rolled back", {"repo"});
  registry_.counter("corral_alerts_raised_total", "Alerts raised, by rule and severity", {"rule", "severity"});
  registry_.counter("corral_alert_deliveries_total", "Alert deliveries ended, by result (delivered, failed)",
                    {"destination", "result"});
  registry_.gauge("corral_tasks", "Tasks, by state", {"state"});
  registry_.gauge("corral_repo_tier",
                  "Each repository's tier in force: 0 observe, 1 supervised, 2 trusted, 3 autonomous", {"repo"});
  registry_.gauge("corral_alerts", "Alerts, by state", {"state"});
  registry_.gauge("corral_alert_outbox_depth", "Alert deliveries pending", {});
  registry_.gauge("corral_alert_destinations_unhealthy", "Alert destinations whose last delivery failed for good", {});
}

void EventMetrics::observe(const store::StoredEvent& stored) {
  const Event& event = stored.event;
  const std::string& type = event.type;
  registry_.add("corral_events_total", {type});
  static const char* kRead[] = {"task.",     "sandbox.created", "llm.call",         "tool.",        "egress.", "merge.",
                                "rollback.", "alert.",          "approval.granted", "diff.proposed"};
  bool read = false;
  for (const char* prefix : kRead) read = read || type.starts_with(prefix);
  if (!read) return;
  json payload = json::parse(event.payload, nullptr, false);
  if (!payload.is_object()) payload = json::object();
  const std::string& repo = event.repo_id;
  if (type == "task.started") registry_.add("corral_runs_started_total", {repo, event.agent});
  if (type == "task.finished" || type == "task.failed" || type == "task.requeued" || type == "task.cancelled") {
    std::string outcome = type == "task.finished" ? "succeeded" : type.substr(5);
    if (type != "task.cancelled" || !event.run_id.empty())
      registry_.add("corral_runs_ended_total", {repo, event.agent, outcome});
  }
  if (type == "llm.call") {
    for (const char* kind : {"input", "output", "cache_read", "cache_write"})
      registry_.add("corral_llm_tokens_total", {repo, event.agent, kind},
                    number(payload, (std::string(kind) + "_tokens").c_str()));
    registry_.add("corral_llm_calls_total", {repo, event.agent});
    if (payload.contains("cost_usd"))
      registry_.add("corral_llm_cost_usd_total", {repo, event.agent}, number(payload, "cost_usd"));
  }
  if (type == "tool.invoked" || type == "tool.flagged" || type == "tool.blocked") {
    std::string verdict = type == "tool.invoked" ? "allowed" : type.substr(5);
    registry_.add("corral_tool_calls_total", {repo, verdict, text(payload, "rule")});
  }
  if (type == "egress.allowed" || type == "egress.denied")
    registry_.add("corral_egress_requests_total", {repo, type.substr(7)});
  if (type == "merge.completed") registry_.add("corral_merges_total", {repo});
  if (type == "merge.refused") registry_.add("corral_merge_refusals_total", {repo});
  if (type == "rollback.recorded") registry_.add("corral_rollbacks_total", {repo});
  if (type == "alert.raised") {
    // The watcher's own carry their rule; another module's, a kind.
    alerts::KindRule of_kind = payload.contains("rule")
                                   ? alerts::KindRule{text(payload, "rule"), text(payload, "severity")}
                                   : alerts::rule_of_kind(text(payload, "kind"));
    registry_.add("corral_alerts_raised_total", {of_kind.rule, of_kind.severity});
  }
  if (type == "alert.delivered" || type == "alert.delivery_failed")
    registry_.add("corral_alert_deliveries_total",
                  {text(payload, "destination"), type == "alert.delivered" ? "delivered" : "failed"});
  if (auto at = parse_rfc3339(stored.time)) timed(stored, static_cast<double>(epoch_ms(*at)) / 1000.0);
}

void EventMetrics::timed(const store::StoredEvent& stored, double at) {
  const std::string& type = stored.event.type;
  const std::string& task = stored.event.task_id;
  const std::string& repo = stored.event.repo_id;
  if (task.empty()) return;
  MutexLock lock(mutex_);
  if (type == "task.queued" || type == "task.requeued") queued_at_[task] = at;
  if (type == "task.routed") routed_at_[task] = at;
  if (type == "task.started") {
    if (auto queued = take(queued_at_, task)) registry_.observe("corral_dispatch_delay_seconds", {repo}, at - *queued);
    started_at_[task] = at;
  }
  if (type == "sandbox.created")
    if (auto routed = take(routed_at_, task)) registry_.observe("corral_sandbox_start_seconds", {}, at - *routed);
  if (type == "task.finished" || type == "task.failed")
    if (auto started = take(started_at_, task))
      registry_.observe("corral_run_duration_seconds", {repo, type == "task.finished" ? "succeeded" : "failed"},
                        at - *started);
  if (type == "diff.proposed" || type == "approval.granted") mergeable_at_[task] = at;
  if (type == "merge.completed")
    if (auto mergeable = take(mergeable_at_, task))
      registry_.observe("corral_merge_duration_seconds", {repo}, at - *mergeable);
  // A task that ends any other way leaves nothing behind.
  if (type == "task.cancelled" || type == "task.held" || type == "merge.refused" || type == "merge.failed") {
    queued_at_.erase(task);
    routed_at_.erase(task);
    started_at_.erase(task);
    mergeable_at_.erase(task);
  }
}

Result<std::string> EventMetrics::exposition(store::Store& store) {
  CORRAL_RETURN_IF_ERROR(store.with([&](store::Transaction& tx) -> Status {
    std::vector<std::pair<LabelValues, double>> tasks;
    CORRAL_ASSIGN_OR_RETURN(auto by_state, tx.queue.count_by_state());
    for (const auto& [state, count] : by_state) tasks.push_back({{state}, static_cast<double>(count)});
    registry_.set_all("corral_tasks", tasks);
    std::vector<std::pair<LabelValues, double>> tiers;
    CORRAL_ASSIGN_OR_RETURN(auto repos, tx.records.repos());
    for (const store::RepoRecord& repo : repos) {
      CORRAL_ASSIGN_OR_RETURN(store::TierRecord earned, tx.outcomes.tier(repo.id));
      auto settings = settings::settings_of(repo);
      auto computed = routing::parse_tier(earned.tier).value_or(routing::Tier::kObserve);
      routing::Tier tier = settings.is_ok() ? settings::effective_tier(*settings, computed) : computed;
      tiers.push_back({{repo.id}, static_cast<double>(static_cast<int>(tier))});
    }
    registry_.set_all("corral_repo_tier", tiers);
    std::vector<std::pair<LabelValues, double>> alerts;
    CORRAL_ASSIGN_OR_RETURN(auto alert_states, tx.alerts.count_by_state());
    for (const auto& [state, count] : alert_states) alerts.push_back({{state}, static_cast<double>(count)});
    registry_.set_all("corral_alerts", alerts);
    CORRAL_ASSIGN_OR_RETURN(int64_t depth, tx.outbox.depth());
    registry_.set_all("corral_alert_outbox_depth", {{{}, static_cast<double>(depth)}});
    CORRAL_ASSIGN_OR_RETURN(auto destinations, tx.outbox.destinations());
    double unhealthy = 0;
    for (const auto& destination : destinations) unhealthy += destination.healthy ? 0 : 1;
    registry_.set_all("corral_alert_destinations_unhealthy", {{{}, unhealthy}});
    return Status::ok();
  }));
  return registry_.exposition();
}

}  // namespace corral::metrics
