#include "settings/repo_settings.h"

#include <nlohmann/json.hpp>

#include <algorithm>

#include "policy/path_glob.h"
#include "settings/setting_values.h"

namespace corral::settings {
namespace {

using json = nlohmann::json;
using routing::Tier;

std::string field_names(const Group& group) {
  std::string names;
  for (const Field& field : setting_fields()) {
    if (group_of(field) == &group)
      names += (names.empty() ? "" : ", ") + std::string(field.key.substr(group.key.size() + 1));
  }
  return names;
}

// Applies {"field": value, ...} to one group (of one tier).
Status apply_group_fields(RepoSettings& settings, const Group& group, Tier tier, const json& fields,
                          const std::string& name) {
  if (!fields.is_object()) return invalid_setting(name, "must be an object of " + field_names(group));
  for (const auto& [key, value] : fields.items()) {
    const Field* field = find_field(std::string(group.key) + "." + key);
    if (!field) return invalid_setting(name + "." + key, "is not a setting (" + field_names(group) + ")");
    CORRAL_RETURN_IF_ERROR(set_value(*field, settings, tier, value, name + "." + key));
  }
  return Status::ok();
}

Status apply_group(RepoSettings& settings, const Group& group, const json& value) {
  std::string key(group.key);
  if (value.is_null() && group.reset) {
    group.reset(settings, RepoSettings{});
    return Status::ok();
  }
  if (value.is_null()) {
    for (const Field& field : setting_fields()) {
      if (group_of(field) == &group) CORRAL_RETURN_IF_ERROR(set_value(field, settings, Tier::kObserve, nullptr, key));
    }
    return Status::ok();
  }
  if (group.tiers.empty()) return apply_group_fields(settings, group, Tier::kObserve, value, key);
  std::string tiers;
  for (Tier tier : group.tiers) tiers += std::string(tiers.empty() ? "" : ", ") + routing::tier_name(tier);
  if (!value.is_object()) return invalid_setting(key, "must map tiers (" + tiers + ") to " + field_names(group));
  for (const auto& [name, fields] : value.items()) {
    auto tier = routing::parse_tier(name);
    if (!tier || std::find(group.tiers.begin(), group.tiers.end(), *tier) == group.tiers.end()) {
      return invalid_setting(key, "has no tier '" + name + "' (" + tiers + ")");
    }
    CORRAL_RETURN_IF_ERROR(apply_group_fields(settings, group, *tier, fields, key + "." + name));
  }
  return Status::ok();
}

// Applies one top-level key; null returns it to its default.
Status apply(RepoSettings& settings, const std::string& key, const json& value) {
  if (const Field* field = find_field(key); field && !group_of(*field)) {
    return set_value(*field, settings, Tier::kObserve, value, key);
  }
  if (const Group* group = find_group(key)) return apply_group(settings, *group, value);
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
  json out = json::object();
  for (const Field& field : setting_fields()) {
    const Group* group = group_of(field);
    if (!group) {
      out[std::string(field.key)] = value_of(field, settings, Tier::kObserve);
      continue;
    }
    std::string name(field.key.substr(group->key.size() + 1));
    json& inside = out[std::string(group->key)];
    if (group->tiers.empty()) inside[name] = value_of(field, settings, Tier::kObserve);
    if (inside.is_null()) inside = json::object();
    for (Tier tier : group->tiers) {
      if (group->holds(settings, tier)) inside[routing::tier_name(tier)][name] = value_of(field, settings, tier);
    }
  }
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
