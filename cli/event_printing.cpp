#include "cli/event_printing.h"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <string>

#include "core/visible_text.h"

namespace corral::cli {

using json = nlohmann::json;

void print_event(const json& event) {
  std::string details;
  const json& payload = event["payload"];
  if (event["type"] == "agent.output") {
    std::string text = payload.value("text", "");
    while (!text.empty() && text.back() == '\n') text.pop_back();
    details = text;
  } else if (payload.is_object()) {
    for (const auto& [key, value] : payload.items())
      details += key + "=" + (value.is_string() ? value.get<std::string>() : value.dump()) + " ";
  }
  // One event, one line: what an agent wrote cannot start a line that reads as another event.
  std::printf("%6lld  %s  %-22s %-18s %s\n", static_cast<long long>(event["seq"].get<int64_t>()),
              visible_inline(event["time"].get<std::string>()).c_str(),
              visible_inline(event["task"].get<std::string>()).c_str(),
              visible_inline(event["type"].get<std::string>()).c_str(), visible_inline(details).c_str());
  std::fflush(stdout);
}

}  // namespace corral::cli
