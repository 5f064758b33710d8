#include "settings/repo_settings.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>

#include "git/upstream.h"
#include "policy/path_glob.h"

namespace corral::settings {
namespace {

using json = nlohmann::json;

constexpr const char* kPathLists[] = {"forbidden_paths", "agent_instruction_paths", "sensitive_paths",
                                      "dependency_paths", "secret_allowlist"};

std::vector<std::string>& path_list(policy::DiffRules& rules, const std::string& key) {
  if (key == "forbidden_paths") return rules.forbidden_paths;
  if (key == "agent_instruction_paths") return rules.agent_instruction_paths;
  if (key == "sensitive_paths") return rules.sensitive_paths;
  if (key == "dependency_paths") return rules.dependency_paths;
  return rules.secret_allowlist;
}

Status bad(const std::string& key, const std::string& why) {
  return Status::invalid_argument("setting '" + key + "' " + why);
}

Result<std::string> string_of(const json& value, const std::string& key) {
  if (!value.is_string()) return bad(key, "must be a string");
  return value.get<std::string>();
}

Result<std::vector<std::string>> patterns_of(const json& value, const std::string& key) {
  if (!value.is_array()) return bad(key, "must be a list of patterns");
  std::vector<std::string> patterns;
  for (const json& item : value) {
    if (!item.is_string() || item.get<std::string>().empty()) return bad(key, "holds an empty or non-string pattern");
    patterns.push_back(item.get<std::string>());
  }
  return patterns;
}

Result<int> integer_in(const json& value, const std::string& key, int low, int high) {
  if (!value.is_number_integer() || value.get<int64_t>() < low || value.get<int64_t>() > high) {
    return bad(key, "must be a whole number from " + std::to_string(low) + " to " + std::to_string(high));
  }
  return value.get<int>();
}

Status check_upstream(const std::string& upstream) {
  if (upstream.empty() || upstream[0] == '/') return Status::ok();
  for (const char* scheme : {"file://", "https://", "http://", "ssh://"}) {
    if (upstream.rfind(scheme, 0) == 0 && upstream.size() > std::string_view(scheme).size()) return Status::ok();
  }
  return bad("upstream",
             "must be an absolute path or a file://, https://, http:// or ssh:// URL, not '" + upstream + "'");
}

Result<double> fraction_in(const json& value, const std::string& key, double low, double high) {
  if (!value.is_number() || value.get<double>() < low || value.get<double>() > high) {
    char range[64];
    std::snprintf(range, sizeof range, "from %g to %g", low, high);
    return bad(key, std::string("must be a number ") + range);
  }
  return value.get<double>();
}

Result<routing::Thresholds> thresholds_of(const json& value, routing::Thresholds thresholds, const std::string& key) {
  if (!value.is_object()) return bad(key, "must be an object of min_success_lower, max_rollback_upper, min_samples");
  for (const auto& [field, item] : value.items()) {
    std::string name = key + "." + field;
    auto number = field == "min_samples" ? fraction_in(item, name, 0, 100000) : fraction_in(item, name, 0, 1);
    if (!number.is_ok()) return number.status();
    if (field == "min_success_lower")
      thresholds.min_success_lower = *number;
    else if (field == "max_rollback_upper")
      thresholds.max_rollback_upper = *number;
    else if (field == "min_samples")
      thresholds.min_samples = *number;
    else
      return bad(name, "is not a threshold");
  }
  return thresholds;
}

Status apply_thresholds(RepoSettings& settings, const json& value) {
  if (value.is_null()) {
    settings.routing.thresholds = routing::default_routing_settings().thresholds;
    return Status::ok();
  }
  if (!value.is_object()) return bad("thresholds", "must map tier names to thresholds");
  for (const auto& [name, item] : value.items()) {
    auto tier = routing::parse_tier(name);
    if (!tier || *tier == routing::Tier::kObserve) {
      return bad("thresholds", "names '" + name + "'; thresholds are for supervised, trusted and autonomous");
    }
    auto parsed = thresholds_of(item, routing::thresholds_for(settings.routing, *tier), "thresholds." + name);
    if (!parsed.is_ok()) return parsed.status();
    settings.routing.thresholds[*tier] = *parsed;
  }
  return Status::ok();
}

Result<routing::TierLimits> limits_of(const json& value, routing::TierLimits limits, const std::string& key) {
  if (!value.is_object()) return bad(key, "must be an object of approvals, max_files, max_lines");
  for (const auto& [field, item] : value.items()) {
    std::string name = key + "." + field;
    Result<int> number = field == "approvals"   ? integer_in(item, name, 0, 10)
                         : field == "max_files" ? integer_in(item, name, 1, 1000000)
                         : field == "max_lines" ? integer_in(item, name, 1, 100000000)
                                                : Result<int>(bad(name, "is not a tier limit"));
    if (!number.is_ok()) return number.status();
    (field == "approvals" ? limits.approvals : field == "max_files" ? limits.max_files : limits.max_lines) = *number;
  }
  return limits;
}

Status apply_tier_limits(RepoSettings& settings, const json& value) {
  if (value.is_null()) {
    settings.tier_limits.clear();
    return Status::ok();
  }
  if (!value.is_object()) return bad("tier_limits", "must map tier names to limits");
  for (const auto& [name, limits] : value.items()) {
    auto tier = routing::parse_tier(name);
    if (!tier) return bad("tier_limits", "names an unknown tier '" + name + "'");
    auto base = settings.tier_limits.count(*tier) ? settings.tier_limits[*tier] : routing::default_limits(*tier);
    auto parsed = limits_of(limits, base, "tier_limits." + name);
    if (!parsed.is_ok()) return parsed.status();
    settings.tier_limits[*tier] = *parsed;
  }
  return Status::ok();
}

// Applies one key; null resets it.
Status apply(RepoSettings& settings, const std::string& key, const json& value) {
  RepoSettings defaults;
  bool reset = value.is_null();
  if (key == "upstream" || key == "credentials" || key == "check_command") {
    std::string text;
    if (!reset) {
      auto parsed = string_of(value, key);
      if (!parsed.is_ok()) return parsed.status();
      text = *parsed;
    }
    if (key == "upstream") {
      CORRAL_RETURN_IF_ERROR(check_upstream(text));
      settings.upstream = text;
    } else if (key == "credentials") {
      CORRAL_RETURN_IF_ERROR(git::check_credentials_reference(text));
      settings.credentials = text;
    } else {
      settings.check_command = text;
    }
    return Status::ok();
  }
  if (key == "protected") {
    if (reset) return settings.protected_branches.clear(), Status::ok();
    auto patterns = patterns_of(value, key);
    if (!patterns.is_ok()) return patterns.status();
    settings.protected_branches = *patterns;
    return Status::ok();
  }
  if (key == "merge_method") {
    std::string method = reset ? "rebase" : value.is_string() ? value.get<std::string>() : "";
    if (method != "rebase" && method != "merge") return bad(key, "must be \"rebase\" or \"merge\"");
    settings.merge_method = method == "rebase" ? MergeMethod::kRebase : MergeMethod::kMergeCommit;
    return Status::ok();
  }
  if (key == "check_timeout_seconds") {
    auto seconds = reset ? Result<int>(defaults.check_timeout_seconds) : integer_in(value, key, 1, 86400);
    if (!seconds.is_ok()) return seconds.status();
    settings.check_timeout_seconds = *seconds;
    return Status::ok();
  }
  if (key == "pin" || key == "cap") {
    std::optional<routing::Tier> tier;
    if (!reset) {
      tier = routing::parse_tier(value.is_string() ? value.get<std::string>() : "");
      if (!tier) return bad(key, "must be one of observe, supervised, trusted, autonomous (or null)");
    }
    (key == "pin" ? settings.routing.pin : settings.routing.cap) = tier;
    return Status::ok();
  }
  if (key == "tier_limits") return apply_tier_limits(settings, value);
  if (key == "thresholds") return apply_thresholds(settings, value);
  if (key == "require_human") {
    if (!reset && !value.is_boolean()) return bad(key, "must be true or false");
    settings.routing.require_human = !reset && value.get<bool>();
    return Status::ok();
  }
  if (key == "half_life_days" || key == "rollback_window_days") {
    auto days = reset ? Result<int>(30) : integer_in(value, key, 1, 3650);
    if (!days.is_ok()) return days.status();
    (key == "half_life_days" ? settings.routing.half_life : settings.routing.rollback_window) =
        std::chrono::hours(24 * *days);
    return Status::ok();
  }
  if (key == "promotion_gap") {
    auto gap = reset ? Result<int>(defaults.routing.promotion_gap) : integer_in(value, key, 1, 1000);
    if (!gap.is_ok()) return gap.status();
    settings.routing.promotion_gap = *gap;
    return Status::ok();
  }
  if (key == "hysteresis" || key == "exploration_share") {
    auto number = reset ? Result<double>(key == "hysteresis" ? defaults.routing.hysteresis : defaults.exploration_share)
                        : fraction_in(value, key, 0, 0.5);
    if (!number.is_ok()) return number.status();
    (key == "hysteresis" ? settings.routing.hysteresis : settings.exploration_share) = *number;
    return Status::ok();
  }
  if (key == "agents") {
    if (reset) return settings.agents.clear(), Status::ok();
    auto agents = patterns_of(value, key);
    if (!agents.is_ok()) return agents.status();
    settings.agents = *agents;
    return Status::ok();
  }
  if (auto applied = apply_boundary_setting(settings.boundaries, key, value)) return *applied;
  for (const char* list : kPathLists) {
    if (key != list) continue;
    if (reset) return path_list(settings.extra_rules, key).clear(), Status::ok();
    auto patterns = patterns_of(value, key);
    if (!patterns.is_ok()) return patterns.status();
    path_list(settings.extra_rules, key) = *patterns;
    return Status::ok();
  }
  return Status::invalid_argument("unknown setting '" + key + "'");
}

}  // namespace

Result<RepoSettings> change_settings(const RepoSettings& current, const json& change) {
  if (!change.is_object()) return Status::invalid_argument("settings must be a JSON object");
  RepoSettings settings = current;
  for (const auto& [key, value] : change.items()) CORRAL_RETURN_IF_ERROR(apply(settings, key, value));
  return settings;
}

Result<RepoSettings> parse_settings(const json& document) { return change_settings(RepoSettings{}, document); }

Result<RepoSettings> settings_of(const store::RepoRecord& repo) {
  auto document = json::parse(repo.settings, nullptr, false);
  if (document.is_discarded()) return Status::corrupt("the settings of " + repo.id + " are not JSON");
  auto settings = parse_settings(document);
  if (!settings.is_ok()) return settings.status().with_context("the stored settings of " + repo.id);
  return settings;
}

json settings_json(const RepoSettings& settings) {
  json limits = json::object();
  for (const auto& [tier, value] : settings.tier_limits) {
    limits[routing::tier_name(tier)] = {
        {"approvals", value.approvals}, {"max_files", value.max_files}, {"max_lines", value.max_lines}};
  }
  json thresholds = json::object();
  for (const auto& [tier, value] : settings.routing.thresholds) {
    thresholds[routing::tier_name(tier)] = {{"min_success_lower", value.min_success_lower},
                                            {"max_rollback_upper", value.max_rollback_upper},
                                            {"min_samples", value.min_samples}};
  }
  const routing::RoutingSettings& r = settings.routing;
  json out = {{"upstream", settings.upstream},
              {"credentials", settings.credentials},
              {"protected", settings.protected_branches},
              {"merge_method", settings.merge_method == MergeMethod::kRebase ? "rebase" : "merge"},
              {"check_command", settings.check_command},
              {"check_timeout_seconds", settings.check_timeout_seconds},
              {"pin", r.pin ? json(routing::tier_name(*r.pin)) : json(nullptr)},
              {"cap", r.cap ? json(routing::tier_name(*r.cap)) : json(nullptr)},
              {"require_human", r.require_human},
              {"half_life_days", std::chrono::duration_cast<std::chrono::hours>(r.half_life).count() / 24},
              {"rollback_window_days", std::chrono::duration_cast<std::chrono::hours>(r.rollback_window).count() / 24},
              {"thresholds", thresholds},
              {"hysteresis", r.hysteresis},
              {"promotion_gap", r.promotion_gap},
              {"agents", settings.agents},
              {"exploration_share", settings.exploration_share},
              {"tier_limits", limits}};
  policy::DiffRules rules = settings.extra_rules;
  for (const char* list : kPathLists) out[list] = path_list(rules, list);
  boundary_settings_json(settings.boundaries, out);
  return out;
}

routing::Tier effective_tier(const RepoSettings& settings, routing::Tier computed) {
  if (settings.routing.pin) return *settings.routing.pin;
  if (settings.routing.cap && static_cast<int>(*settings.routing.cap) < static_cast<int>(computed)) {
    return *settings.routing.cap;
  }
  return computed;
}

routing::TierLimits limits_of(const RepoSettings& settings, routing::Tier tier) {
  auto it = settings.tier_limits.find(tier);
  routing::TierLimits limits = it != settings.tier_limits.end() ? it->second : routing::default_limits(tier);
  if (settings.routing.require_human) limits.approvals = std::max(limits.approvals, 1);
  return limits;
}

policy::DiffRules diff_rules(const RepoSettings& settings, routing::Tier tier) {
  policy::DiffRules rules = policy::with_defaults(settings.extra_rules);
  routing::TierLimits limits = limits_of(settings, tier);
  rules.max_files = limits.max_files;
  rules.max_lines = limits.max_lines;
  return rules;
}

bool is_protected(const RepoSettings& settings, const std::string& branch, const std::string& default_branch) {
  if (settings.protected_branches.empty()) {
    return branch == default_branch || policy::glob_matches_whole("release/*", branch);
  }
  for (const std::string& pattern : settings.protected_branches) {
    if (policy::glob_matches_whole(pattern, branch)) return true;
  }
  return false;
}

}  // namespace corral::settings
