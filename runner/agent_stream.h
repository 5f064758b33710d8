// An agent CLI's JSON-lines output read into events as it arrives:
//   agent.tool_use     the model asked for a tool: id, tool, input (values cut)
//   agent.tool_result  its result came back: id, is_error, bytes
//   agent.result       the session ended: is_error, duration, token usage as
//                      the agent counted them (and turns and cost for Claude)
// Three dialects: Claude Code's `--output-format stream-json --verbose`
// (assistant/user messages with tool_use/tool_result blocks, a result line),
// Gemini CLI's `--output-format stream-json` (tool_use, tool_result and
// result lines) and Codex's `exec --json` (item.completed for commands and
// file changes, turn.completed with usage). The hook's tool.invoked / tool.blocked say what corral
// decided; these say what the agent did and saw. Lines that are not such
// objects are ignored; one line is held up to kMaxLineBytes (a longer one is
// skipped). Pure.
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace corral::runner {

enum class StreamDialect { kClaude, kGemini, kCodex };

class AgentStreamReader {
 public:
  explicit AgentStreamReader(StreamDialect dialect) : dialect_(dialect) {}
  static constexpr size_t kMaxLineBytes = 8 << 20;
  using Found = std::vector<std::pair<std::string, nlohmann::json>>;  // event type, payload

  // The events the complete lines in `chunk` (with what came before) hold.
  Found feed(std::string_view chunk);
  // At the end of the output: the last line if it was not ended.
  Found finish();

 private:
  void line(std::string_view text, Found& found) const;
  void claude_line(const nlohmann::json& object, Found& found) const;
  void gemini_line(const nlohmann::json& object, Found& found) const;
  void codex_line(const nlohmann::json& object, Found& found) const;

  StreamDialect dialect_;
  std::string pending_;
  bool skipping_ = false;  // inside a line longer than kMaxLineBytes
};

}  // namespace corral::runner
