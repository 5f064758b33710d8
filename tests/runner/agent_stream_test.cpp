#include "runner/agent_stream.h"

#include <gtest/gtest.h>

#include "runner/event_values.h"

namespace corral::runner {
namespace {

// Lines as Claude Code 2.1 prints them with --output-format stream-json --verbose (shortened).
const std::string kSession =
    R"({"type":"system","subtype":"init","cwd":"/workspace","tools":["Bash","Read","Write"]})"
    "\n"
    R"({"type":"assistant","message":{"id":"m1","content":[{"type":"tool_use","id":"toolu_1","name":"Write","input":{"file_path":"/workspace/a.txt","content":")" +
    std::string(2000, 'x') +
    R"("}}]}})"
    "\n"
    R"({"type":"user","message":{"role":"user","content":[{"tool_use_id":"toolu_1","type":"tool_result","content":"File created"}]}})"
    "\n"
    R"({"type":"user","message":{"role":"user","content":[{"tool_use_id":"toolu_2","type":"tool_result","is_error":true,"content":"PreToolUse:Read hook error: corral: outside_workspace"}]}})"
    "\n"
    R"({"type":"result","subtype":"success","is_error":false,"num_turns":3,"duration_ms":842,"total_cost_usd":0.15,"usage":{"input_tokens":37179,"output_tokens":27}})"
    "\n";

TEST(AgentStreamReader, ClaudeToolUsesResultsAndTheEndBecomeEventsWhateverTheChunking) {
  for (size_t piece : {size_t{1}, size_t{100}, kSession.size()}) {
    AgentStreamReader reader(StreamDialect::kClaude);
    AgentStreamReader::Found found;
    for (size_t at = 0; at < kSession.size(); at += piece) {
      auto more = reader.feed(std::string_view(kSession).substr(at, piece));
      found.insert(found.end(), more.begin(), more.end());
    }
    EXPECT_TRUE(reader.finish().empty());
    ASSERT_EQ(found.size(), 4u) << piece;
    EXPECT_EQ(found[0].first, "agent.tool_use");
    EXPECT_EQ(found[0].second["tool"], "Write");
    EXPECT_EQ(found[0].second["input"]["file_path"], "/workspace/a.txt");
    EXPECT_LT(found[0].second["input"]["content"].get<std::string>().size(), kEventValueMax + 32)
        << "long inputs are cut";
    EXPECT_EQ(found[1].first, "agent.tool_result");
    EXPECT_EQ(found[1].second["is_error"], false);
    EXPECT_EQ(found[2].second["is_error"], true);
    EXPECT_EQ(found[3].first, "agent.result");
    EXPECT_EQ(found[3].second["turns"], 3);
    EXPECT_EQ(found[3].second["input_tokens"], 37179);
  }
}

TEST(AgentStreamReader, FieldsOfTheWrongTypeAreNoiseNotACrash) {
  const std::pair<StreamDialect, size_t> kDialects[] = {
      {StreamDialect::kClaude, 0},
      {StreamDialect::kGemini, 0},
      {StreamDialect::kCodex, 1}};  // a turn.completed whose usage is not an object still ends the turn (zeros)
  for (const auto& [dialect, events] : kDialects) {
    AgentStreamReader reader(dialect);
    auto found = reader.feed(
        R"({"type":"result","num_turns":"many","usage":{"input_tokens":"x"},"stats":{"input_tokens":[]},"status":7})"
        "\n"
        R"({"type":"assistant","message":{"content":[{"type":"tool_use","id":5,"name":{},"input":"x"}]}})"
        "\n"
        R"({"type":"tool_use","tool_name":3,"tool_id":[],"parameters":"p"})"
        "\n"
        R"({"type":"item.completed","item":{"id":1,"type":"command_execution","command":{},"exit_code":"0"}})"
        "\n"
        R"({"type":"turn.completed","usage":"none"})"
        "\n");
    EXPECT_EQ(found.size(), events);
    if (dialect == StreamDialect::kCodex && !found.empty()) EXPECT_EQ(found[0].second["input_tokens"], 0);
  }
}

TEST(AgentStreamReader, NoiseAndOversizedLinesAreSkipped) {
  AgentStreamReader reader(StreamDialect::kClaude);
  auto found = reader.feed("plain text\n[1,2]\n{\"type\":\"assistant\",\"message\":\"no\"}\n{not json\n");
  EXPECT_TRUE(found.empty());
  std::string huge = "{\"type\":\"result\",\"pad\":\"" + std::string(AgentStreamReader::kMaxLineBytes, 'p') + "\"}\n";
  EXPECT_TRUE(reader.feed(huge).empty());
  found = reader.feed("{\"type\":\"result\",\"num_turns\":1}");
  EXPECT_TRUE(found.empty()) << "not ended yet";
  found = reader.finish();
  ASSERT_EQ(found.size(), 1u) << "a last line without its newline still counts";
  EXPECT_EQ(found[0].second["turns"], 1);
}

// Gemini CLI 0.61's --output-format stream-json (shortened).
TEST(AgentStreamReader, GeminiToolUsesResultsAndTheEnd) {
  AgentStreamReader reader(StreamDialect::kGemini);
  auto found = reader.feed(
      R"({"type":"init","session_id":"s","model":"auto"})"
      "\n"
      R"({"type":"tool_use","tool_name":"write_file","tool_id":"w1","parameters":{"file_path":"/workspace/hi.txt","content":"hi"}})"
      "\n"
      R"({"type":"tool_result","tool_id":"w1","status":"success"})"
      "\n"
      R"({"type":"tool_result","tool_id":"r1","status":"error","output":"blocked by hook"})"
      "\n"
      R"({"type":"message","role":"assistant","content":"done","delta":true})"
      "\n"
      R"({"type":"result","status":"success","stats":{"total_tokens":35738,"input_tokens":35698,"output_tokens":40,"duration_ms":172,"tool_calls":2}})"
      "\n");
  ASSERT_EQ(found.size(), 4u);
  EXPECT_EQ(found[0].first, "agent.tool_use");
  EXPECT_EQ(found[0].second["tool"], "write_file");
  EXPECT_EQ(found[0].second["input"]["file_path"], "/workspace/hi.txt");
  EXPECT_EQ(found[1].second["is_error"], false);
  EXPECT_EQ(found[2].second["is_error"], true);
  EXPECT_EQ(found[2].second["bytes"], 15);
  EXPECT_EQ(found[3].first, "agent.result");
  EXPECT_EQ(found[3].second["input_tokens"], 35698);
  EXPECT_EQ(found[3].second["tool_calls"], 2);
}

// Codex 0.169's exec --json (shortened).
TEST(AgentStreamReader, CodexCommandsFileChangesAndTheTurn) {
  AgentStreamReader reader(StreamDialect::kCodex);
  auto found = reader.feed(
      R"({"type":"thread.started","thread_id":"t"})"
      "\n"
      R"({"type":"item.started","item":{"id":"item_1","type":"command_execution","command":"bash -lc 'make'","exit_code":null,"status":"in_progress"}})"
      "\n"
      R"({"type":"item.completed","item":{"id":"item_1","type":"command_execution","command":"bash -lc 'make'","aggregated_output":"ok\n","exit_code":0,"status":"completed"}})"
      "\n"
      R"({"type":"item.completed","item":{"id":"item_2","type":"file_change","changes":[{"path":"src/a.c","kind":"update"}],"status":"completed"}})"
      "\n"
      R"({"type":"item.completed","item":{"id":"item_3","type":"agent_message","text":"done"}})"
      "\n"
      R"({"type":"turn.completed","usage":{"input_tokens":29820,"cached_input_tokens":0,"output_tokens":18}})"
      "\n");
  ASSERT_EQ(found.size(), 5u);
  EXPECT_EQ(found[0].second["tool"], "command_execution");
  EXPECT_EQ(found[0].second["input"]["command"], "bash -lc 'make'");
  EXPECT_EQ(found[1].second["is_error"], false);
  EXPECT_EQ(found[1].second["bytes"], 3);
  EXPECT_EQ(found[2].second["tool"], "file_change");
  EXPECT_EQ(found[4].first, "agent.result");
  EXPECT_EQ(found[4].second["input_tokens"], 29820);
}

}  // namespace
}  // namespace corral::runner
