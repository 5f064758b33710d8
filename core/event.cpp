#include "core/event.h"

#include <nlohmann/json.hpp>

namespace corral {

void set_payload(Event& event, const nlohmann::json& payload) {
  // nlohmann's object is a std::map: dump() is already sorted and compact.
  // Agents print anything; invalid UTF-8 is replaced rather than thrown on.
  event.payload = payload.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace corral
