// Turns a sandbox's output stream into events (agent.output, check.output:
// the type of the base event; report lines become agent.confidence and
// agent.escalation, see agent_report.h): chunks cut at line
// ends (at most kChunkBytes each), a cap on what one run may record (the rest
// is counted, not stored), and the tail of the output kept for error messages.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "containers/sandbox_backend.h"
#include "core/event.h"

namespace corral::runner {

struct AgentReport;

class OutputRecorder {
 public:
  static constexpr size_t kChunkBytes = 8192;
  static constexpr size_t kDefaultCapBytes = 1 << 20;

  // `base` supplies the type and the task/run/repo/agent fields of each event.
  OutputRecorder(EventSink& sink, Event base, size_t cap_bytes = kDefaultCapBytes);

  // Also show output to a person as it arrives (e.g. the CLI's stderr).
  void set_echo(std::function<void(std::string_view)> echo) { echo_ = std::move(echo); }

  void on_output(containers::OutputStream stream, std::string_view chunk);
  // Emits what is buffered, and a note of dropped bytes if the cap was hit.
  void finish();

  const std::string& tail() const { return tail_; }  // last ~2 KiB, both streams
  int64_t bytes_seen() const { return bytes_seen_; }
  int64_t bytes_dropped() const { return bytes_dropped_; }
  const Status& first_error() const { return first_error_; }

 private:
  struct Buffer {
    std::string pending;
  };
  void record_output(containers::OutputStream stream, std::string text);
  void record_report(const AgentReport& report);
  void flush(containers::OutputStream stream, std::string text);
  Buffer& buffer(containers::OutputStream stream);

  EventSink& sink_;
  Event base_;
  size_t cap_bytes_;
  size_t recorded_bytes_ = 0;
  int64_t bytes_seen_ = 0;
  int64_t bytes_dropped_ = 0;
  Buffer stdout_;
  Buffer stderr_;
  std::string tail_;
  std::function<void(std::string_view)> echo_;
  Status first_error_;
};

}  // namespace corral::runner
