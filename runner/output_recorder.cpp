#include "runner/output_recorder.h"

#include <nlohmann/json.hpp>

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
    size_t cut = newline != std::string::npos ? newline + 1
                 : buf.pending.size() >= kChunkBytes ? kChunkBytes
                                                      : 0;
    if (cut == 0) break;
    flush(stream, buf.pending.substr(0, cut));
    buf.pending.erase(0, cut);
  }
}

void OutputRecorder::flush(containers::OutputStream stream, std::string text) {
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
    set_payload(event, nlohmann::json{{"stream", "note"},
                                      {"text", "output cap reached; " + std::to_string(bytes_dropped_) +
                                                   " bytes not recorded"}});
    sink_.record(event);
  }
  if (tail_.size() > kTailBytes) tail_.erase(0, tail_.size() - kTailBytes);
}

}  // namespace corral::runner
