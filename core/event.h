// An event: one thing that happened to a task, as producers describe it.
//
// Producers (runner/ and the daemon's modules) fill an Event and hand it to an EventSink;
// the store gives it its sequence number, id, time and place in the hash chain.
// The payload is a JSON object kept as canonical text so this header needs no
// JSON library.
#pragma once

#include <nlohmann/json_fwd.hpp>

#include <string>

#include "core/status.h"

namespace corral {

struct Event {
  std::string type;  // e.g. "task.started"; ARCHITECTURE.md lists the set
  std::string task_id;
  std::string run_id;  // empty for task-level events
  std::string repo_id;
  std::string agent;
  std::string correlation_id;  // ties events of one request or run together
  std::string payload = "{}";  // canonical JSON object text
};

// Sets `event.payload` from a JSON object (sorted keys, compact; invalid
// UTF-8 in strings replaced by U+FFFD).
void set_payload(Event& event, const nlohmann::json& payload);

// Where events go. Implementations must be safe to call from the thread that
// runs the task; a failure to record is returned, never swallowed.
class EventSink {
 public:
  virtual ~EventSink() = default;
  virtual Status record(const Event& event) = 0;
};

}  // namespace corral
