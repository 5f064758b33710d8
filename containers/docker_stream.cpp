#include "containers/docker_stream.h"

namespace corral::containers {

void FrameDecoder::feed(std::string_view bytes, const OutputHandler& on_output) {
  while (!bytes.empty()) {
    if (remaining_ > 0) {
      size_t take = std::min(remaining_, bytes.size());
      if (on_output) on_output(stream_, bytes.substr(0, take));
      remaining_ -= take;
      bytes.remove_prefix(take);
      continue;
    }
    size_t need = 8 - header_.size();
    size_t take = std::min(need, bytes.size());
    header_.append(bytes.substr(0, take));
    bytes.remove_prefix(take);
    if (header_.size() < 8) return;
    stream_ = header_[0] == 2 ? OutputStream::kStderr : OutputStream::kStdout;
    remaining_ = (size_t{static_cast<unsigned char>(header_[4])} << 24) |
                 (size_t{static_cast<unsigned char>(header_[5])} << 16) |
                 (size_t{static_cast<unsigned char>(header_[6])} << 8) | size_t{static_cast<unsigned char>(header_[7])};
    header_.clear();
  }
}

}  // namespace corral::containers
