#include "core/json_fields.h"

#include <nlohmann/json.hpp>

namespace corral {
namespace {

bool has_type(const nlohmann::json& value, FieldType type) {
  switch (type) {
    case FieldType::kString:
      return value.is_string();
    case FieldType::kInteger:
      return value.is_number_integer();
    case FieldType::kBoolean:
      return value.is_boolean();
    case FieldType::kStringArray:
      return value.is_array() && std::all_of(value.begin(), value.end(), [](const auto& v) { return v.is_string(); });
  }
  return false;
}

const char* type_name(FieldType type) {
  switch (type) {
    case FieldType::kString:
      return "a string";
    case FieldType::kInteger:
      return "an integer";
    case FieldType::kBoolean:
      return "true or false";
    case FieldType::kStringArray:
      return "an array of strings";
  }
  return "?";
}

}  // namespace

Status check_fields(const nlohmann::json& object, std::initializer_list<FieldSpec> specs, const std::string& what) {
  if (!object.is_object()) return Status::invalid_argument(what + " must be a JSON object");
  for (const auto& [name, value] : object.items()) {
    auto spec = std::find_if(specs.begin(), specs.end(), [&](const FieldSpec& s) { return name == s.name; });
    if (spec == specs.end()) return Status::invalid_argument(what + " has an unknown field '" + name + "'");
    if (!has_type(value, spec->type)) {
      return Status::invalid_argument(what + " field '" + name + "' must be " + type_name(spec->type));
    }
  }
  for (const FieldSpec& spec : specs) {
    if (spec.required && !object.contains(spec.name)) {
      return Status::invalid_argument(what + " is missing the field '" + std::string(spec.name) + "'");
    }
  }
  return Status::ok();
}

}  // namespace corral
