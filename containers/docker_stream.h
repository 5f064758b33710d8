// Docker's multiplexed attach stream (no TTY): frames of an 8-byte header
// [stream type, 0, 0, 0, big-endian uint32 size] followed by size bytes.
// Type 1 is stdout, 2 stderr (0, stdin, is never sent to us).
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "containers/sandbox_backend.h"

namespace corral::containers {

class FrameDecoder {
 public:
  // Feeds raw bytes; calls on_output once per complete frame payload (or
  // part of one: payloads are forwarded as they arrive).
  void feed(std::string_view bytes, const OutputHandler& on_output);
  // True if the stream ended in the middle of a frame header.
  bool has_partial_header() const { return !header_.empty(); }

 private:
  std::string header_;
  OutputStream stream_ = OutputStream::kStdout;
  size_t remaining_ = 0;  // payload bytes still to come in the current frame
};

}  // namespace corral::containers
