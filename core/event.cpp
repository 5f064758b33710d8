#include "core/event.h"

#include <nlohmann/json.hpp>

namespace corral {

void set_payload(Event& event, const nlohmann::json& payload) {
  // nlohmann's object is a std::map: dump() is already sorted and compact.
  event.payload = payload.dump();
}

}  // namespace corral
