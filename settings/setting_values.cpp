#include "settings/setting_values.h"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <cstdlib>
#include <type_traits>

#include "core/key_value.h"

namespace corral::settings {
namespace {

using json = nlohmann::json;
using routing::Tier;

template <class... F>
struct Overload : F... {
  using F::operator()...;
};
template <class... F>
Overload(F...) -> Overload<F...>;

std::string number_text(double number) {
  char text[32];
  std::snprintf(text, sizeof text, "%.15g", number);
  return text;
}

std::string range_text(const Field& field) {
  return field.high == kUnbounded ? "from " + number_text(field.low) + " up"
                                  : "from " + number_text(field.low) + " to " + number_text(field.high);
}

bool whole_in_range(const json& value, const Field& field) {
  if (!value.is_number_integer()) return false;
  if (value.is_number_unsigned() && value.get<uint64_t>() > static_cast<uint64_t>(INT64_MAX)) return false;
  int64_t number = value.get<int64_t>();
  return number >= field.low && number <= field.high;
}

Status read_whole(int64_t& out, const Field& field, const json& value, const std::string& name) {
  if (!whole_in_range(value, field)) return invalid_setting(name, "must be a whole number " + range_text(field));
  out = value.get<int64_t>();
  return Status::ok();
}

std::string choice_list(const Field& field) {
  std::string list;
  for (std::string_view choice : field.choices) list += (list.empty() ? "\"" : ", \"") + std::string(choice) + "\"";
  return list;
}

// Reads `value` into `out`, the type of the field's slot.
struct Reader {
  const Field& field;
  const json& value;
  const std::string& name;

  Status operator()(std::string& out) const {
    if (!value.is_string()) return invalid_setting(name, "must be a string");
    out = value.get<std::string>();
    return Status::ok();
  }
  template <class Enum>
  requires std::is_enum_v<Enum> Status operator()(Enum& out) const {
    for (size_t i = 0; i < field.choices.size(); ++i) {
      if (value.is_string() && value.get<std::string>() == field.choices[i]) {
        out = static_cast<Enum>(i);
        return Status::ok();
      }
    }
    return invalid_setting(name, "must be one of " + choice_list(field));
  }
  Status operator()(int& out) const {
    int64_t number = 0;
    CORRAL_RETURN_IF_ERROR(read_whole(number, field, value, name));
    out = static_cast<int>(number);  // the table's ranges fit an int
    return Status::ok();
  }
  Status operator()(int64_t& out) const { return read_whole(out, field, value, name); }
  Status operator()(std::chrono::seconds& out) const {
    int64_t days = 0;
    CORRAL_RETURN_IF_ERROR(read_whole(days, field, value, name));
    out = std::chrono::hours(24 * days);
    return Status::ok();
  }
  Status operator()(double& out) const {
    if (!value.is_number() || value.get<double>() < field.low || value.get<double>() > field.high) {
      return invalid_setting(name, "must be a number " + range_text(field));
    }
    out = value.get<double>();
    return Status::ok();
  }
  Status operator()(bool& out) const {
    if (!value.is_boolean()) return invalid_setting(name, "must be true or false");
    out = value.get<bool>();
    return Status::ok();
  }
  Status operator()(std::optional<Tier>& out) const {
    out = routing::parse_tier(value.is_string() ? value.get<std::string>() : "");
    if (!out) return invalid_setting(name, "must be one of observe, supervised, trusted, autonomous (or null)");
    return Status::ok();
  }
  Status operator()(std::vector<std::string>& out) const {
    if (!value.is_array()) return invalid_setting(name, "must be a list");
    out.clear();
    for (const json& item : value) {
      if (!item.is_string() || item.get<std::string>().empty())
        return invalid_setting(name, "holds an empty or non-string entry");
      out.push_back(item.get<std::string>());
    }
    return Status::ok();
  }
  Status operator()(std::vector<int>& out) const {
    if (!value.is_array()) return invalid_setting(name, "must be a list");
    out.clear();
    for (const json& item : value) {
      if (!whole_in_range(item, field)) {
        return invalid_setting(name, "holds " + item.dump() + ", which is not a whole number " + range_text(field));
      }
      out.push_back(item.get<int>());
    }
    return Status::ok();
  }
  Status operator()(std::map<std::string, std::string>& out) const {
    if (!value.is_object()) return invalid_setting(name, "must be an object of names");
    out.clear();
    for (const auto& [key, item] : value.items()) {
      if (!item.is_string() || item.get<std::string>().empty())
        return invalid_setting(name + "." + key, "must be a name");
      out[key] = item.get<std::string>();
    }
    return Status::ok();
  }
};

struct Writer {
  const Field& field;

  json operator()(const std::chrono::seconds& days) const {
    return std::chrono::duration_cast<std::chrono::hours>(days).count() / 24;
  }
  template <class Enum>
  requires std::is_enum_v<Enum> json operator()(const Enum& choice) const {
    return std::string(field.choices.at(static_cast<size_t>(choice)));
  }
  json operator()(const std::optional<Tier>& tier) const {
    return tier ? json(routing::tier_name(*tier)) : json(nullptr);
  }
  template <class Plain>
  requires(!std::is_enum_v<Plain>) json operator()(const Plain& value) const { return value; }
};

// Where a field's value goes in a change document: change["egress"]["hosts"],
// or per tier change["tier_limits"]["trusted"]["approvals"].
json& place(json& change, const Field& field, std::string_view tier = {}) {
  const Group* group = group_of(field);
  if (!group) return change[std::string(field.key)];
  json& inside = tier.empty() ? change[std::string(group->key)] : change[std::string(group->key)][std::string(tier)];
  return inside[std::string(field.key.substr(group->key.size() + 1))];
}

Result<json> value_from_text(const Field& field, std::string_view text, const std::string& flag) {
  RepoSettings probe;
  Slot slot = field.slot(probe, Tier::kSupervised);
  auto whole = [&]() -> Result<json> {
    auto number = parse_whole_number(text);
    if (!number) return Status::invalid_argument(flag + " takes a whole number, not '" + std::string(text) + "'");
    return json(*number);
  };
  return std::visit(Overload{
                        [&](int*) { return whole(); },
                        [&](int64_t*) { return whole(); },
                        [&](std::chrono::seconds*) { return whole(); },
                        [&](std::vector<int>*) { return whole(); },
                        [&](double*) -> Result<json> {
                          std::string copy(text);
                          char* end = nullptr;
                          double number = std::strtod(copy.c_str(), &end);
                          if (copy.empty() || *end != '\0') {
                            return Status::invalid_argument(flag + " takes a number, not '" + copy + "'");
                          }
                          return json(number);
                        },
                        [&](bool*) -> Result<json> {
                          if (text != "true" && text != "false") {
                            return Status::invalid_argument(flag + " takes true or false");
                          }
                          return json(text == "true");
                        },
                        [&](auto*) -> Result<json> { return json(std::string(text)); },
                    },
                    slot);
}

}  // namespace

Status invalid_setting(const std::string& key, const std::string& why) {
  return Status::invalid_argument("setting '" + key + "' " + why);
}

Status set_value(const Field& field, RepoSettings& settings, Tier tier, const json& value, const std::string& name) {
  Slot slot = field.slot(settings, tier);
  RepoSettings defaults;
  Slot fallback = field.slot(defaults, tier);
  return std::visit(
      [&](auto* target) -> Status {
        auto next = *std::get<decltype(target)>(fallback);
        if (!value.is_null()) {
          CORRAL_RETURN_IF_ERROR((Reader{field, value, name}(next)));
          if (field.check) CORRAL_RETURN_IF_ERROR(field.check(name, value));
        }
        *target = std::move(next);
        return Status::ok();
      },
      slot);
}

json value_of(const Field& field, const RepoSettings& settings, Tier tier) {
  RepoSettings copy = settings;  // slots point into a settings object they may add a tier to
  return std::visit([&](auto* value) { return Writer{field}(*value); }, field.slot(copy, tier));
}

Status add_flag_text(json& change, const Field& field, std::string_view text) {
  std::string flag(field.flag);
  RepoSettings probe;
  Slot slot = field.slot(probe, Tier::kSupervised);
  if (std::holds_alternative<std::map<std::string, std::string>*>(slot)) {
    auto pair = split_key_value(text);
    if (!pair) return Status::invalid_argument(flag + " takes NAME=VALUE, not '" + std::string(text) + "'");
    place(change, field)[pair->key] = pair->value;
    return Status::ok();
  }
  auto value = value_from_text(field, text, flag);
  if (!value.is_ok()) return value.status();
  bool list =
      std::holds_alternative<std::vector<std::string>*>(slot) || std::holds_alternative<std::vector<int>*>(slot);
  json& target = place(change, field);
  if (list) {
    target.push_back(*value);
  } else {
    target = *value;
  }
  return Status::ok();
}

Status add_group_flag_text(json& change, const Group& group, std::string_view text) {
  std::string flag(group.flag);
  bool per_tier = !group.tiers.empty();
  std::string form = per_tier ? "TIER.FIELD=VALUE" : "FIELD=VALUE";
  auto pair = split_key_value(text);
  size_t dot = pair ? pair->key.find('.') : std::string::npos;
  if (!pair || per_tier != (dot != std::string::npos)) {
    return Status::invalid_argument(flag + " takes " + form + ", not '" + std::string(text) + "'");
  }
  std::string tier = per_tier ? pair->key.substr(0, dot) : "";
  std::string name = per_tier ? pair->key.substr(dot + 1) : pair->key;
  const Field* field = find_field(std::string(group.key) + "." + name);
  if (!field)
    return Status::invalid_argument(flag + " " + std::string(text) + ": '" + name + "' is not a field of " +
                                    std::string(group.key));
  auto value = value_from_text(*field, pair->value, flag + " " + pair->key);
  if (!value.is_ok()) return value.status();
  RepoSettings probe;
  Slot slot = field->slot(probe, Tier::kSupervised);
  bool list =
      std::holds_alternative<std::vector<std::string>*>(slot) || std::holds_alternative<std::vector<int>*>(slot);
  // A list's items one flag each: --alert muted=new_tool --alert muted=overlap.
  if (list)
    place(change, *field, tier).push_back(*value);
  else
    place(change, *field, tier) = *value;
  return Status::ok();
}

}  // namespace corral::settings
