// The table of a repository's settings: every key an owner may set, where it
// lives in RepoSettings, its range, its `corral repo set` flag and its help.
// Parsing, checking, resetting to the default, printing and the command
// line's flags all read this one table (setting_values.h does the work), so a
// new setting is one row here. Defaults are RepoSettings' own initialisers.
#pragma once

#include <nlohmann/json_fwd.hpp>

#include <chrono>
#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/status.h"
#include "settings/repo_settings.h"

namespace corral::settings {

// Where a setting is stored. The pointer's type says how its JSON is read:
// text, one of `choices`, a whole number, a number, whole days, true/false,
// a tier or none, a list of non-empty strings, a list of whole numbers, a map
// of names.
using Slot = std::variant<std::string*, MergeMethod*, policy::Enforcement*, int*, int64_t*, double*,
                          std::chrono::seconds*, bool*, std::optional<routing::Tier>*, std::vector<std::string>*,
                          std::vector<int>*, std::map<std::string, std::string>*>;

constexpr double kUnbounded = std::numeric_limits<double>::infinity();

struct Field {
  std::string_view key;   // "check_command"; in a group, "group.field": "egress.hosts", "tier_limits.approvals"
  std::string_view flag;  // the `corral repo set` flag; "" when it is set through its group's flag
  std::string_view help;
  Slot (*slot)(RepoSettings& settings, routing::Tier tier);  // `tier`: in a per-tier group, which one
  double low = 0, high = kUnbounded;                         // numbers, and each number of a list
  std::vector<std::string_view> choices = {};                // a choice's names, in the enum's order
  Status (*check)(const std::string& key, const nlohmann::json& value) = nullptr;  // more than the type says
};

// Settings that are one JSON object: {"budget": {"task_calls": 3}}, or per
// tier {"tier_limits": {"trusted": {"approvals": 1}}}.
struct Group {
  std::string_view key;
  std::string_view flag;  // takes FIELD=VALUE, or per tier TIER.FIELD=VALUE; "" = the fields' own flags
  std::string_view help;
  std::vector<routing::Tier> tiers = {};                                 // empty: not per tier
  bool (*holds)(const RepoSettings&, routing::Tier) = nullptr;           // per tier: which tiers it shows
  void (*reset)(RepoSettings&, const RepoSettings& defaults) = nullptr;  // per tier: back to the defaults
};

std::span<const Field> setting_fields();
std::span<const Group> setting_groups();

const Field* find_field(std::string_view key);
const Group* find_group(std::string_view key);
// The group a field belongs to; null for a top-level setting.
const Group* group_of(const Field& field);

}  // namespace corral::settings
