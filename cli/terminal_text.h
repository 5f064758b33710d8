// How the CLI shows a person what corral did not write: every
// human-readable print of such text goes through core/visible_text.h
// (`visible`, `visible_inline`) or, for diffs and streams, through these;
// to a terminal and to a file alike. `--json` output is exact JSON instead,
// escaped by the encoder.
#pragma once

#include <nlohmann/json_fwd.hpp>

#include <cstdio>
#include <string>
#include <string_view>

#include "core/visible_text.h"

namespace corral::cli {

// `--json` output: exact JSON, every character outside ASCII (a bidi override
// too) escaped by the encoder, so it is as safe in a terminal as in a pipe;
// bytes that are not UTF-8 become U+FFFD.
std::string exact_json(const nlohmann::json& value);

// A unified diff shown so that only its structure looks like structure: each
// line visible_inline(); a line of a file that reads like a header (--- or
// +++) says it is an added or removed line; a line that is no part of a
// diff's structure (the rest of a file name cut by a newline, say) is marked
// with "?" and says so.
std::string shown_patch(std::string_view patch);

// Writes a stream (agent output as it arrives) visible(), carrying an
// incomplete UTF-8 sequence at the end of a chunk over to the next.
class ShownStream {
 public:
  explicit ShownStream(std::FILE* out) : out_(out) {}
  void write(std::string_view chunk);
  void finish();  // writes what is carried, escaped

 private:
  std::FILE* out_;
  std::string carried_;
};

}  // namespace corral::cli
