#include "runner/claude_stream.h"

#include <gtest/gtest.h>

namespace corral::runner {
namespace {

// Lines as Claude Code 2.1 prints them with --output-format stream-json --verbose (shortened).
const std::string kSession =
    R"({"type":"system","subtype":"init","cwd":"/workspace","tools":["Bash","Read","Write"]})" "\n"
    R"({"type":"assistant","message":{"id":"m1","content":[{"type":"tool_use","id":"toolu_1","name":"Write","input":{"file_path":"/workspace/a.txt","content":")" +
    std::string(2000, 'x') + R"("}}]}})" "\n"
    R"({"type":"user","message":{"role":"user","content":[{"tool_use_id":"toolu_1","type":"tool_result","content":"File created"}]}})" "\n"
    R"({"type":"user","message":{"role":"user","content":[{"tool_use_id":"toolu_2","type":"tool_result","is_error":true,"content":"PreToolUse:Read hook error: corral: outside_workspace"}]}})" "\n"
    R"({"type":"result","subtype":"success","is_error":false,"num_turns":3,"duration_ms":842,"total_cost_usd":0.15,"usage":{"input_tokens":37179,"output_tokens":27}})" "\n";

TEST(ClaudeStreamReader, ToolUsesResultsAndTheEndBecomeEventsWhateverTheChunking) {
  for (size_t piece : {size_t{1}, size_t{100}, kSession.size()}) {
    ClaudeStreamReader reader;
    ClaudeStreamReader::Found found;
    for (size_t at = 0; at < kSession.size(); at += piece) {
      auto more = reader.feed(std::string_view(kSession).substr(at, piece));
      found.insert(found.end(), more.begin(), more.end());
    }
    EXPECT_TRUE(reader.finish().empty());
    ASSERT_EQ(found.size(), 4u) << piece;
    EXPECT_EQ(found[0].first, "agent.tool_use");
    EXPECT_EQ(found[0].second["tool"], "Write");
    EXPECT_EQ(found[0].second["input"]["file_path"], "/workspace/a.txt");
    EXPECT_LT(found[0].second["input"]["content"].get<std::string>().size(), 600u) << "long inputs are cut";
    EXPECT_EQ(found[1].first, "agent.tool_result");
    EXPECT_EQ(found[1].second["is_error"], false);
    EXPECT_EQ(found[2].second["is_error"], true);
    EXPECT_EQ(found[3].first, "agent.result");
    EXPECT_EQ(found[3].second["turns"], 3);
    EXPECT_EQ(found[3].second["input_tokens"], 37179);
  }
}

TEST(ClaudeStreamReader, NoiseAndOversizedLinesAreSkipped) {
  ClaudeStreamReader reader;
  auto found = reader.feed("plain text\n[1,2]\n{\"type\":\"assistant\",\"message\":\"no\"}\n{not json\n");
  EXPECT_TRUE(found.empty());
  std::string huge = "{\"type\":\"result\",\"pad\":\"" + std::string(ClaudeStreamReader::kMaxLineBytes, 'p') + "\"}\n";
  EXPECT_TRUE(reader.feed(huge).empty());
  found = reader.feed("{\"type\":\"result\",\"num_turns\":1}");
  EXPECT_TRUE(found.empty()) << "not ended yet";
  found = reader.finish();
  ASSERT_EQ(found.size(), 1u) << "a last line without its newline still counts";
  EXPECT_EQ(found[0].second["turns"], 1);
}

}  // namespace
}  // namespace corral::runner
