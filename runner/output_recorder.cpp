#include "runner/output_recorder.h"

#include <nlohmann/json.hpp>

#include <utility>

#include "runner/agent_report.h"

namespace corral::runner {
namespace {

constexpr size_t kTailBytes = 2048;

const char* stream_name(containers::OutputStream stream) {
  return stream == containers::OutputStream::kStdout ? "stdout" : "stderr";
}

}  // namespace

OutputRecorder::OutputRecorder(EventSink& sink, Event base, size_t cap_bytes)
    : sink_(sink), base_(std::move(base)), cap_bytes_(cap_bytes) {}

OutputRecorder::Buffer& OutputRecorder::buffer(containers::OutputStream stream) {
  return stream == containers::OutputStream::kStdout ? stdout_ : stderr_;
}

void OutputRecorder::on_output(containers::OutputStream stream, std::string_view chunk) {
  bytes_seen_ += static_cast<int64_t>(chunk.size());
  if (echo_) echo_(chunk);
  tail_.append(chunk);
  if (tail_.size() > 2 * kTailBytes) tail_.erase(0, tail_.size() - kTailBytes);

  Buffer& buf = buffer(stream);
  buf.pending.append(chunk);
  // Emit whole lines; a line longer than a chunk is cut.
  while (true) {
    size_t newline = buf.pending.rfind('\n', kChunkBytes - 1);
    size_t cut = newline != std::string::npos ? newline + 1 : buf.pending.size() >= kChunkBytes ? kChunkBytes : 0;
    if (cut == 0) break;
    flush(stream, buf.pending.substr(0, cut));
    buf.pending.erase(0, cut);
  }
}

void OutputRecorder::record_report(const AgentReport& report) {
  Event event = base_;
  event.type = "agent." + report.kind;
  nlohmann::json payload = {{"reason", report.reason}};
  if (report.kind == "confidence") payload["value"] = report.value;
  set_payload(event, payload);
  Status status = sink_.record(event);
  if (!status.is_ok() && first_error_.is_ok()) first_error_ = status;
}

// Report lines (agent_report.h) become their own events, in order with the
// output around them.
void OutputRecorder::flush(containers::OutputStream stream, std::string text) {
  if (text.find(kReportMarker) == std::string::npos) return record_output(stream, std::move(text));
  std::string plain;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    end = end == std::string::npos ? text.size() : end + 1;
    std::string_view line(text.data() + start, end - start);
    if (auto report = parse_report(line)) {
      if (!plain.empty()) record_output(stream, std::exchange(plain, {}));
      record_report(*report);
    } else {
      plain.append(line);
    }
    start = end;
  }
  if (!plain.empty()) record_output(stream, std::move(plain));
}

void OutputRecorder::record_output(containers::OutputStream stream, std::string text) {
  if (recorded_bytes_ + text.size() > cap_bytes_) {
    bytes_dropped_ += static_cast<int64_t>(text.size());
    return;
  }
  recorded_bytes_ += text.size();
  Event event = base_;
  set_payload(event, nlohmann::json{{"stream", stream_name(stream)}, {"text", std::move(text)}});
  Status status = sink_.record(event);
  if (!status.is_ok() && first_error_.is_ok()) first_error_ = status;
}

void OutputRecorder::finish() {
  for (auto stream : {containers::OutputStream::kStdout, containers::OutputStream::kStderr}) {
    Buffer& buf = buffer(stream);
    if (!buf.pending.empty()) flush(stream, std::move(buf.pending));
    buf.pending.clear();
  }
  if (bytes_dropped_ > 0) {
    Event event = base_;
    set_payload(event, nlohmann::json{
                           {"stream", "note"},
                           {"text", "output cap reached; " + std::to_string(bytes_dropped_) + " bytes not recorded"}});
    static_cast<void>(sink_.record(event));  // a note about lost output; the sink reports its own failures
  }
  if (tail_.size() > kTailBytes) tail_.erase(0, tail_.size() - kTailBytes);
}

}  // namespace corral::runner
