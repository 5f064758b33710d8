#include "orchestrator/repo_settings.h"

#include <nlohmann/json.hpp>

#include "git/upstream.h"
#include "policy/path_glob.h"

namespace corral::orchestrator {
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
  return bad("upstream", "must be an absolute path or a file://, https://, http:// or ssh:// URL, not '" + upstream + "'");
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
  if (key == "tier") {
    auto tier = reset ? std::optional(defaults.tier) : routing::parse_tier(value.is_string() ? value.get<std::string>() : "");
    if (!tier) return bad(key, "must be one of observe, supervised, trusted, autonomous");
    settings.tier = *tier;
    return Status::ok();
  }
  if (key == "tier_limits") return apply_tier_limits(settings, value);
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

json settings_json(const RepoSettings& settings) {
  json limits = json::object();
  for (const auto& [tier, value] : settings.tier_limits) {
    limits[routing::tier_name(tier)] = {
        {"approvals", value.approvals}, {"max_files", value.max_files}, {"max_lines", value.max_lines}};
  }
  json out = {{"upstream", settings.upstream},
              {"credentials", settings.credentials},
              {"protected", settings.protected_branches},
              {"merge_method", settings.merge_method == MergeMethod::kRebase ? "rebase" : "merge"},
              {"check_command", settings.check_command},
              {"check_timeout_seconds", settings.check_timeout_seconds},
              {"tier", routing::tier_name(settings.tier)},
              {"tier_limits", limits}};
  policy::DiffRules rules = settings.extra_rules;
  for (const char* list : kPathLists) out[list] = path_list(rules, list);
  return out;
}

routing::TierLimits current_limits(const RepoSettings& settings) {
  auto it = settings.tier_limits.find(settings.tier);
  return it != settings.tier_limits.end() ? it->second : routing::default_limits(settings.tier);
}

policy::DiffRules diff_rules(const RepoSettings& settings) {
  policy::DiffRules rules = policy::with_defaults(settings.extra_rules);
  routing::TierLimits limits = current_limits(settings);
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

}  // namespace corral::orchestrator
