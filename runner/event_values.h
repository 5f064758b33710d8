// A tool call's arguments as events show them: each value as text, long ones
// cut with their length noted (a Write's whole file does not belong in the
// event log). Pure.
#pragma once

#include <nlohmann/json.hpp>

#include <cstddef>
#include <string>

namespace corral::runner {

inline constexpr size_t kEventValueMax = 1024;

std::string cut_for_event(const std::string& value);

// Each value of `arguments` (an object; anything else gives {}) as cut text.
nlohmann::json arguments_for_event(const nlohmann::json& arguments);

}  // namespace corral::runner
