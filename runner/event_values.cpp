#include "runner/event_values.h"

namespace corral::runner {

std::string cut_for_event(const std::string& value) {
  if (value.size() <= kEventValueMax) return value;
  return value.substr(0, kEventValueMax) + "... (" + std::to_string(value.size()) + " bytes)";
}

nlohmann::json arguments_for_event(const nlohmann::json& arguments) {
  nlohmann::json shown = nlohmann::json::object();
  if (!arguments.is_object()) return shown;
  for (const auto& [key, value] : arguments.items()) {
    shown[key] = cut_for_event(value.is_string() ? value.get<std::string>() : value.dump());
  }
  return shown;
}

}  // namespace corral::runner
