// One setting's value, read from JSON (strictly, naming the setting in every
// error), written as JSON, and read from a command line's text; the setting's
// slot type (setting_fields.h) says how.
#pragma once

#include <nlohmann/json_fwd.hpp>

#include <string>
#include <string_view>

#include "core/status.h"
#include "settings/setting_fields.h"

namespace corral::settings {

// "setting 'KEY' WHY": every error about a setting reads the same.
Status invalid_setting(const std::string& key, const std::string& why);

// Sets `field` (of `tier`, in a per-tier group) from `value`, or to its default
// when `value` is null. `name` is the setting as the caller wrote it
// ("tier_limits.trusted.approvals"); errors name it. On error nothing changes.
Status set_value(const Field& field, RepoSettings& settings, routing::Tier tier, const nlohmann::json& value,
                 const std::string& name);

nlohmann::json value_of(const Field& field, const RepoSettings& settings, routing::Tier tier);

// Adds what `flag` was given on a command line to `change`: a list's flag adds
// one entry, a map's flag one NAME=VALUE, any other sets the value. Only the
// type is checked here; the daemon checks the rest.
Status add_flag_text(nlohmann::json& change, const Field& field, std::string_view text);

// The same for a group's flag: FIELD=VALUE, or per tier TIER.FIELD=VALUE.
Status add_group_flag_text(nlohmann::json& change, const Group& group, std::string_view text);

}  // namespace corral::settings
