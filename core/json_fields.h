// Strict reading of a JSON request object: a field that is unknown, missing
// when required, or of the wrong type is an invalid_argument naming it.
#pragma once

#include <nlohmann/json_fwd.hpp>

#include <initializer_list>
#include <string>

#include "core/status.h"

namespace corral {

enum class FieldType { kString, kInteger, kBoolean, kStringArray };

struct FieldSpec {
  const char* name;
  FieldType type;
  bool required = false;
};

Status check_fields(const nlohmann::json& object, std::initializer_list<FieldSpec> specs, const std::string& what);

}  // namespace corral
