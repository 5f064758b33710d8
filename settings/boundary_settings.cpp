#include "settings/boundary_settings.h"

#include <nlohmann/json.hpp>

namespace corral::settings {
namespace {

using json = nlohmann::json;

Status bad(const std::string& key, const std::string& why) {
  return Status::invalid_argument("setting '" + key + "' " + why);
}

Status apply_egress(BoundarySettings& settings, const json& value) {
  if (!value.is_object()) return bad("egress", "must be an object with hosts, internal_hosts and ports");
  BoundarySettings next = settings;
  for (const auto& [field, list] : value.items()) {
    std::string key = "egress." + field;
    if (!list.is_array()) return bad(key, "must be a list");
    if (field == "ports") {
      next.egress_ports.clear();
      for (const json& port : list) {
        if (!port.is_number_integer() || port.get<int64_t>() < 1 || port.get<int64_t>() > 65535) {
          return bad(key, "holds something that is not a port (1..65535)");
        }
        next.egress_ports.push_back(port.get<int>());
      }
      continue;
    }
    if (field != "hosts" && field != "internal_hosts")
      return bad(key, "is not a setting (hosts, internal_hosts, ports)");
    std::vector<std::string> hosts;
    for (const json& host : list) {
      std::string text = host.is_string() ? host.get<std::string>() : "";
      bool wildcard = text.rfind("*.", 0) == 0;
      std::string name = wildcard ? text.substr(2) : text;
      if (name.empty() || name.find_first_of("/:@ \t*?") != std::string::npos) {
        return bad(key, "holds '" + text + "', which is not a host name or *.domain");
      }
      hosts.push_back(text);
    }
    (field == "hosts" ? next.egress_hosts : next.egress_internal_hosts) = hosts;
  }
  settings = next;
  return Status::ok();
}

Status apply_budget(BoundarySettings& settings, const json& value) {
  if (!value.is_object()) return bad("budget", "must be an object");
  BoundarySettings next = settings;
  for (const auto& [field, amount] : value.items()) {
    int64_t* target = field == "task_tokens"    ? &next.task_tokens
                      : field == "task_calls"   ? &next.task_calls
                      : field == "daily_tokens" ? &next.daily_tokens
                      : field == "daily_calls"  ? &next.daily_calls
                                                : nullptr;
    if (!target) return bad("budget." + field, "is not a setting (task_tokens, task_calls, daily_tokens, daily_calls)");
    if (!amount.is_number_integer() || amount.get<int64_t>() < 0)
      return bad("budget." + field, "must be a whole number >= 0 (0: none)");
    *target = amount.get<int64_t>();
  }
  settings = next;
  return Status::ok();
}

// Model names go on a command line (quoted), so they are plain names.
Status apply_models(BoundarySettings& settings, const json& value) {
  if (!value.is_object()) return bad("models", "must be an object of agent profile -> model name");
  std::map<std::string, std::string> models;
  for (const auto& [profile, model] : value.items()) {
    std::string name = model.is_string() ? model.get<std::string>() : "";
    bool plain = !name.empty() && name.size() <= 128 &&
                 name.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_:/@") ==
                     std::string::npos;
    if (!plain) return bad("models." + profile, "must be a model name (letters, digits, . - _ : / @)");
    models[profile] = name;
  }
  settings.models = models;
  return Status::ok();
}

}  // namespace

std::optional<Status> apply_boundary_setting(BoundarySettings& settings, const std::string& key, const json& value) {
  BoundarySettings defaults;
  bool reset = value.is_null();
  if (key == "egress") {
    if (!reset) return apply_egress(settings, value);
    settings.egress_hosts = defaults.egress_hosts;
    settings.egress_internal_hosts = defaults.egress_internal_hosts;
    settings.egress_ports = defaults.egress_ports;
    return Status::ok();
  }
  if (key == "budget") {
    if (!reset) return apply_budget(settings, value);
    settings.task_tokens = settings.task_calls = settings.daily_tokens = settings.daily_calls = 0;
    return Status::ok();
  }
  if (key == "models") {
    if (!reset) return apply_models(settings, value);
    settings.models.clear();
    return Status::ok();
  }
  if (key == "tool_enforcement") {
    std::string mode = reset ? "block" : value.is_string() ? value.get<std::string>() : "";
    if (mode != "block" && mode != "flag") return bad(key, "must be \"block\" or \"flag\"");
    settings.tool_enforcement = mode == "block" ? policy::Enforcement::kBlock : policy::Enforcement::kFlag;
    return Status::ok();
  }
  return std::nullopt;
}

void boundary_settings_json(const BoundarySettings& settings, json& out) {
  out["egress"] = {{"hosts", settings.egress_hosts},
                   {"internal_hosts", settings.egress_internal_hosts},
                   {"ports", settings.egress_ports}};
  out["models"] = settings.models;
  out["tool_enforcement"] = settings.tool_enforcement == policy::Enforcement::kBlock ? "block" : "flag";
  out["budget"] = {{"task_tokens", settings.task_tokens},
                   {"task_calls", settings.task_calls},
                   {"daily_tokens", settings.daily_tokens},
                   {"daily_calls", settings.daily_calls}};
}

}  // namespace corral::settings
