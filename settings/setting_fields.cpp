#include "settings/setting_fields.h"

#include <nlohmann/json.hpp>

#include <algorithm>

#include "core/token_prices.h"
#include "git/upstream.h"
#include "settings/setting_values.h"

namespace corral::settings {
namespace {

using json = nlohmann::json;
using routing::Tier;

Status check_upstream(const std::string& key, const json& value) {
  std::string upstream = value.get<std::string>();
  if (upstream.empty() || upstream[0] == '/') return Status::ok();
  for (std::string_view scheme : {"file://", "https://", "http://", "ssh://"}) {
    if (upstream.starts_with(scheme) && upstream.size() > scheme.size()) return Status::ok();
  }
  return invalid_setting(
      key, "must be an absolute path or a file://, https://, http:// or ssh:// URL, not '" + upstream + "'");
}

Status check_credentials(const std::string&, const json& value) {
  return git::check_credentials_reference(value.get<std::string>());
}

// Egress hosts are names or *.domain: no scheme, port, path or user.
Status check_hosts(const std::string& key, const json& value) {
  for (const json& host : value) {
    std::string text = host.get<std::string>();
    std::string name = text.starts_with("*.") ? text.substr(2) : text;
    if (name.find_first_of("/:@ \t*?") != std::string::npos || name.empty()) {
      return invalid_setting(key, "holds '" + text + "', which is not a host name or *.domain");
    }
  }
  return Status::ok();
}

// Model names go on a command line (quoted), so they are plain names.
Status check_models(const std::string& key, const json& value) {
  for (const auto& [profile, model] : value.items()) {
    std::string name = model.get<std::string>();
    bool plain = name.size() <= 128 && name.find_first_not_of(
                                           "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                           "0123456789.-_:/@") == std::string::npos;
    if (!plain) return invalid_setting(key + "." + profile, "must be a model name (letters, digits, . - _ : / @)");
  }
  return Status::ok();
}

Status check_alert_rules(const std::string& key, const json& value) {
  for (const json& rule : value) {
    std::string name = rule.get<std::string>();
    if (std::find(kAlertRules.begin(), kAlertRules.end(), name) == kAlertRules.end())
      return invalid_setting(key, "holds '" + name + "', which is not an alert rule");
  }
  return Status::ok();
}

Status check_prices(const std::string& key, const json& value) {
  for (const auto& [model, prices] : value.items()) {
    std::string text = prices.get<std::string>();
    if (!parse_token_prices(text).is_ok()) {
      return invalid_setting(
          key + "." + model,
          "must be IN/OUT[/CACHE_READ[/CACHE_WRITE]] in US dollars per million tokens, not '" + text + "'");
    }
  }
  return Status::ok();
}

routing::Thresholds& thresholds(RepoSettings& s, Tier tier) {
  return s.routing.thresholds.try_emplace(tier, routing::thresholds_for(s.routing, tier)).first->second;
}

routing::TierLimits& tier_limits(RepoSettings& s, Tier tier) {
  return s.tier_limits.try_emplace(tier, routing::default_limits(tier)).first->second;
}

// clang-format off
const std::vector<Field> kFields = {
  {"upstream", "--upstream", "Where merges go: a bare repository's path or a URL (empty: the registered path)",
   [](RepoSettings& s, Tier) -> Slot { return &s.upstream; }, 0, kUnbounded, {}, check_upstream},
  {"credentials", "--credentials", "env:NAME: a token in the daemon's environment for the upstream",
   [](RepoSettings& s, Tier) -> Slot { return &s.credentials; }, 0, kUnbounded, {}, check_credentials},
  {"protected", "--protect", "A protected branch pattern, e.g. release/* (repeatable; replaces the list; "
   "none: the default branch and release/*)",
   [](RepoSettings& s, Tier) -> Slot { return &s.protected_branches; }},
  {"merge_method", "--merge-method", "How the commit step integrates a change",
   [](RepoSettings& s, Tier) -> Slot { return &s.merge_method; }, 0, kUnbounded, {"rebase", "merge"}},
  {"check_command", "--check", "A command run in a sandbox on every merge result (empty: none)",
   [](RepoSettings& s, Tier) -> Slot { return &s.check_command; }},
  {"keep_task_branches", "--keep-task-branches", "Keep a task's corral/<task> branch in the repository after "
   "its merge (default: deleted)",
   [](RepoSettings& s, Tier) -> Slot { return &s.keep_task_branches; }},
  {"check_timeout_seconds", "--check-timeout", "Seconds the check may take",
   [](RepoSettings& s, Tier) -> Slot { return &s.check_timeout_seconds; }, 1, 86400},
  {"merge_queue_depth", "--queue-depth", "How many tasks of a merge queue are checked at once, each on top of "
   "the tasks ahead of it (1: one at a time)",
   [](RepoSettings& s, Tier) -> Slot { return &s.merge_queue_depth; }, 1, 16},
  {"merge_batch", "--merge-batch", "How many passed tasks at the head of a merge queue land together, in one "
   "compare-and-swap and one publish (1: each alone)",
   [](RepoSettings& s, Tier) -> Slot { return &s.merge_batch; }, 1, 16},
  {"conflict_follow_up", "--conflict-follow-up", "When a task conflicts with the branch, queue a follow-up task "
   "for the same agent on the new tip (default: send the task back)",
   [](RepoSettings& s, Tier) -> Slot { return &s.conflict_follow_up; }},
  {"pin", "--pin", "Fix the tier whatever the record: observe, supervised, trusted or autonomous",
   [](RepoSettings& s, Tier) -> Slot { return &s.routing.pin; }},
  {"cap", "--cap", "The highest tier the repository may earn",
   [](RepoSettings& s, Tier) -> Slot { return &s.routing.cap; }},
  {"require_human", "--require-human", "At least one human approval, whatever the tier",
   [](RepoSettings& s, Tier) -> Slot { return &s.routing.require_human; }},
  {"half_life_days", "--half-life-days", "How fast old outcomes fade (days)",
   [](RepoSettings& s, Tier) -> Slot { return &s.routing.half_life; }, 1, 3650},
  {"rollback_window_days", "--rollback-window-days", "How long after its merge a rollback counts against it (days)",
   [](RepoSettings& s, Tier) -> Slot { return &s.routing.rollback_window; }, 1, 3650},
  {"hysteresis", "--hysteresis", "How far rates may fall below a tier's thresholds before a demotion",
   [](RepoSettings& s, Tier) -> Slot { return &s.routing.hysteresis; }, 0, 0.5},
  {"promotion_gap", "--promotion-gap", "Outcomes needed between two promotions",
   [](RepoSettings& s, Tier) -> Slot { return &s.routing.promotion_gap; }, 1, 1000},
  {"agents", "--agent", "An agent profile allowed here (repeatable; replaces the list; none: any)",
   [](RepoSettings& s, Tier) -> Slot { return &s.agents; }},
  {"exploration_share", "--exploration-share", "The share of low-risk tasks that may go to a newer agent profile",
   [](RepoSettings& s, Tier) -> Slot { return &s.exploration_share; }, 0, 0.5},
  {"forbidden_paths", "--forbid", "A path pattern agents may never change (repeatable; added to the defaults)",
   [](RepoSettings& s, Tier) -> Slot { return &s.extra_rules.forbidden_paths; }},
  {"agent_instruction_paths", "--instructions", "An agent instruction file pattern (repeatable; added to the defaults)",
   [](RepoSettings& s, Tier) -> Slot { return &s.extra_rules.agent_instruction_paths; }},
  {"sensitive_paths", "--sensitive",
   "A sensitive file pattern (repeatable; added to the defaults); !PATTERN says what is not sensitive",
   [](RepoSettings& s, Tier) -> Slot { return &s.extra_rules.sensitive_paths; }},
  {"dependency_paths", "--dependency", "A dependency manifest pattern (repeatable; added to the defaults)",
   [](RepoSettings& s, Tier) -> Slot { return &s.extra_rules.dependency_paths; }},
  {"secret_allowlist", "--allow-secrets-in", "A path pattern of test fixtures the secret scan skips (repeatable)",
   [](RepoSettings& s, Tier) -> Slot { return &s.extra_rules.secret_allowlist; }},
  {"tool_enforcement", "--tool-enforcement", "What happens to a tool call the rules refuse: log and allow it, or block it",
   [](RepoSettings& s, Tier) -> Slot { return &s.boundaries.tool_enforcement; }, 0, kUnbounded, {"flag", "block"}},
  {"models", "--model", "PROFILE=MODEL: the model an agent profile uses here (repeatable; replaces the map)",
   [](RepoSettings& s, Tier) -> Slot { return &s.boundaries.models; }, 0, kUnbounded, {}, check_models},
  {"model_prices", "--price", "MODEL=IN/OUT[/CACHE_READ[/CACHE_WRITE]]: US dollars per million tokens, so that each "
   "model call records its cost (repeatable; replaces the map)",
   [](RepoSettings& s, Tier) -> Slot { return &s.boundaries.model_prices; }, 0, kUnbounded, {}, check_prices},
  {"egress.hosts", "--egress-host", "A host runs may reach: HOST or *.DOMAIN (repeatable; replaces the list)",
   [](RepoSettings& s, Tier) -> Slot { return &s.boundaries.egress_hosts; }, 0, kUnbounded, {}, check_hosts},
  {"egress.internal_hosts", "--egress-internal-host", "An allowlisted host that may resolve to an internal address "
   "(repeatable; replaces the list)",
   [](RepoSettings& s, Tier) -> Slot { return &s.boundaries.egress_internal_hosts; }, 0, kUnbounded, {}, check_hosts},
  {"egress.ports", "--egress-port", "A port besides 80 and 443 (repeatable; replaces the list)",
   [](RepoSettings& s, Tier) -> Slot { return &s.boundaries.egress_ports; }, 1, 65535},
  {"budget.task_tokens", "", "Model tokens one task may use (0: no limit)",
   [](RepoSettings& s, Tier) -> Slot { return &s.boundaries.task_tokens; }},
  {"budget.task_calls", "", "Model calls one task may make (0: no limit)",
   [](RepoSettings& s, Tier) -> Slot { return &s.boundaries.task_calls; }},
  {"budget.daily_tokens", "", "Model tokens the repository may use a day (0: no limit)",
   [](RepoSettings& s, Tier) -> Slot { return &s.boundaries.daily_tokens; }},
  {"budget.daily_calls", "", "Model calls the repository may make a day (0: no limit)",
   [](RepoSettings& s, Tier) -> Slot { return &s.boundaries.daily_calls; }},
  {"alerts.failures", "", "Failed tasks of the repository or of one agent profile, within the window, that raise "
   "repeated_failures",
   [](RepoSettings& s, Tier) -> Slot { return &s.alerts.failures; }, 1, 1000},
  {"alerts.failure_window_minutes", "", "The window repeated_failures counts in, in minutes",
   [](RepoSettings& s, Tier) -> Slot { return &s.alerts.failure_window_minutes; }, 1, 10080},
  {"alerts.blocked_per_run", "", "Blocked tool calls and denied egress requests in one run that raise blocked_calls",
   [](RepoSettings& s, Tier) -> Slot { return &s.alerts.blocked_per_run; }, 1, 100000},
  {"alerts.min_confidence", "", "An agent's confidence report below this raises low_confidence",
   [](RepoSettings& s, Tier) -> Slot { return &s.alerts.min_confidence; }, 0, 1},
  {"alerts.burn_share", "", "The share of a daily budget spent within one hour that raises budget_burn",
   [](RepoSettings& s, Tier) -> Slot { return &s.alerts.burn_share; }, 0.01, 1},
  {"alerts.cooldown_minutes", "", "The least time between two alerts of one rule about the same thing, in minutes",
   [](RepoSettings& s, Tier) -> Slot { return &s.alerts.cooldown_minutes; }, 0, 10080},
  {"alerts.muted", "", "Rules that raise nothing for this repository (a list of rule names)",
   [](RepoSettings& s, Tier) -> Slot { return &s.alerts.muted; }, 0, kUnbounded, {}, check_alert_rules},
  {"thresholds.min_success_lower", "", "The lowest success bound that enters the tier",
   [](RepoSettings& s, Tier t) -> Slot { return &thresholds(s, t).min_success_lower; }, 0, 1},
  {"thresholds.max_rollback_upper", "", "The highest rollback bound that enters the tier",
   [](RepoSettings& s, Tier t) -> Slot { return &thresholds(s, t).max_rollback_upper; }, 0, 1},
  {"thresholds.min_samples", "", "The (decayed) outcomes needed to enter the tier",
   [](RepoSettings& s, Tier t) -> Slot { return &thresholds(s, t).min_samples; }, 0, 100000},
  {"tier_limits.approvals", "", "Human approvals a change needs",
   [](RepoSettings& s, Tier t) -> Slot { return &tier_limits(s, t).approvals; }, 0, 10},
  {"tier_limits.max_files", "", "The most files one change may touch",
   [](RepoSettings& s, Tier t) -> Slot { return &tier_limits(s, t).max_files; }, 1, 1000000},
  {"tier_limits.max_lines", "", "The most lines one change may touch",
   [](RepoSettings& s, Tier t) -> Slot { return &tier_limits(s, t).max_lines; }, 1, 100000000},
};

const std::vector<Group> kGroups = {
  {"egress", "", "where runs may connect"},
  {"budget", "--budget", "a model budget, 0 for none (repeatable)"},
  {"alerts", "--alert", "an alert rule's threshold (repeatable)"},
  {"thresholds", "--threshold", "what a tier needs of the record (repeatable)",
   {Tier::kSupervised, Tier::kTrusted, Tier::kAutonomous},
   [](const RepoSettings& s, Tier t) { return s.routing.thresholds.count(t) > 0; },
   [](RepoSettings& s, const RepoSettings& d) { s.routing.thresholds = d.routing.thresholds; }},
  {"tier_limits", "--limit", "a tier's limits, overriding its defaults (repeatable)",
   {Tier::kObserve, Tier::kSupervised, Tier::kTrusted, Tier::kAutonomous},
   [](const RepoSettings& s, Tier t) { return s.tier_limits.count(t) > 0; },
   [](RepoSettings& s, const RepoSettings& d) { s.tier_limits = d.tier_limits; }},
};
// clang-format on

}  // namespace

std::span<const Field> setting_fields() { return kFields; }
std::span<const Group> setting_groups() { return kGroups; }

const Field* find_field(std::string_view key) {
  for (const Field& field : kFields) {
    if (field.key == key) return &field;
  }
  return nullptr;
}

const Group* find_group(std::string_view key) {
  for (const Group& group : kGroups) {
    if (group.key == key) return &group;
  }
  return nullptr;
}

const Group* group_of(const Field& field) {
  size_t dot = field.key.find('.');
  return dot == std::string_view::npos ? nullptr : find_group(field.key.substr(0, dot));
}

}  // namespace corral::settings
