// Claude Code's stream-json output (`claude -p --output-format stream-json
// --verbose`: one JSON object per line) read into events as it arrives:
//   agent.tool_use     the model asked for a tool: id, tool, input (values cut)
//   agent.tool_result  its result came back: id, is_error, bytes
//   agent.result       the session ended: subtype, is_error, turns, duration,
//                      cost and token usage as Claude Code counted them
// The hook's tool.invoked / tool.blocked say what corral decided; these say
// what the agent did and saw. Lines that are not such objects are ignored;
// one line is held up to kMaxLineBytes (a longer one is skipped). Pure.
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace corral::runner {

class ClaudeStreamReader {
 public:
  static constexpr size_t kMaxLineBytes = 8 << 20;
  using Found = std::vector<std::pair<std::string, nlohmann::json>>;  // event type, payload

  // The events the complete lines in `chunk` (with what came before) hold.
  Found feed(std::string_view chunk);
  // At the end of the output: the last line if it was not ended.
  Found finish();

 private:
  void line(std::string_view text, Found& found) const;

  std::string pending_;
  bool skipping_ = false;  // inside a line longer than kMaxLineBytes
};

}  // namespace corral::runner
