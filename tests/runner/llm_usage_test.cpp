#include "runner/gateways/llm_usage.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace corral::runner {
namespace {

// Anthropic's stream as the Messages API sends it (shortened), CRLF line ends.
constexpr const char* kAnthropicStream =
    "event: message_start\r\n"
    "data: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\",\"model\":\"claude-x\",\"content\":[],"
    "\"usage\":{\"input_tokens\":25,\"cache_read_input_tokens\":7,\"cache_creation_input_tokens\":3,\"output_tokens\":"
    "1}}}\r\n"
    "\r\n"
    "event: ping\r\ndata: {\"type\": \"ping\"}\r\n\r\n"
    "event: content_block_delta\r\n"
    "data: "
    "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"usage\"}}\r\n\r\n"
    "event: message_delta\r\n"
    "data: "
    "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\"},\"usage\":{\"output_tokens\":15}}\r\n\r\n"
    "event: message_stop\r\ndata: {\"type\":\"message_stop\"}\r\n\r\n";

TEST(UsageMeter, ReadsAnthropicStreamsWhateverTheChunking) {
  std::string stream = kAnthropicStream;
  for (size_t piece : {size_t{1}, size_t{7}, size_t{64}, stream.size()}) {
    UsageMeter meter(true);
    for (size_t at = 0; at < stream.size(); at += piece) meter.feed(std::string_view(stream).substr(at, piece));
    TokenUsage usage = meter.finish();
    EXPECT_EQ(usage.input, 25) << piece;
    EXPECT_EQ(usage.output, 15) << "message_delta's count is cumulative and final";
    EXPECT_EQ(usage.cache_read, 7);
    EXPECT_EQ(usage.cache_write, 3);
    EXPECT_EQ(usage.total(), 50);
    EXPECT_EQ(meter.model(), "claude-x");
  }
}

TEST(UsageMeter, ReadsOpenAiStreamsAndBodies) {
  UsageMeter stream(true);
  stream.feed("data: {\"id\":\"c\",\"model\":\"gpt-x\",\"choices\":[{\"delta\":{\"content\":\"hi\"}}]}\n\n");
  stream.feed(
      "data: "
      "{\"id\":\"c\",\"choices\":[],\"usage\":{\"prompt_tokens\":11,\"completion_tokens\":4,\"total_tokens\":15}}\n\n");
  stream.feed("data: [DONE]\n\n");
  TokenUsage streamed = stream.finish();
  EXPECT_EQ(streamed.input, 11);
  EXPECT_EQ(streamed.output, 4);
  EXPECT_EQ(stream.model(), "gpt-x");

  UsageMeter body(false);
  body.feed("{\"id\":\"c\",\"usage\":{\"prompt_tokens\":");
  body.feed("9,\"completion_tokens\":2}}");
  EXPECT_EQ(body.finish().total(), 11);
  UsageMeter anthropic_body(false);
  anthropic_body.feed("{\"type\":\"message\",\"usage\":{\"input_tokens\":5,\"output_tokens\":6}}");
  EXPECT_EQ(anthropic_body.finish().total(), 11);
}

TEST(UsageMeter, ReadsOpenAiResponsesStreams) {
  UsageMeter meter(true);
  meter.feed(
      "event: response.created\ndata: "
      "{\"type\":\"response.created\",\"response\":{\"id\":\"r\",\"model\":\"gpt-x\",\"usage\":null}}\n\n");
  meter.feed("event: response.output_text.delta\ndata: {\"type\":\"response.output_text.delta\",\"delta\":\"hi\"}\n\n");
  meter.feed(
      "event: response.completed\ndata: {\"type\":\"response.completed\",\"response\":{\"id\":\"r\","
      "\"usage\":{\"input_tokens\":120,\"output_tokens\":9,\"total_tokens\":129}}}\n\n");
  TokenUsage usage = meter.finish();
  EXPECT_EQ(usage.input, 120);
  EXPECT_EQ(usage.output, 9);
  EXPECT_EQ(meter.model(), "gpt-x");
}

TEST(UsageMeter, ReadsGeminiStreams) {
  UsageMeter meter(true);
  meter.feed(
      "data: {\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"a\"}]}}],"
      "\"usageMetadata\":{\"promptTokenCount\":12,\"candidatesTokenCount\":1},\"modelVersion\":\"gemini-x\"}\r\n\r\n");
  meter.feed(
      "data: {\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"bc\"}]},\"finishReason\":\"STOP\"}],"
      "\"usageMetadata\":{\"promptTokenCount\":12,\"candidatesTokenCount\":7,\"cachedContentTokenCount\":4}}\r\n\r\n");
  TokenUsage usage = meter.finish();
  EXPECT_EQ(usage.input, 12);
  EXPECT_EQ(usage.output, 7) << "the last chunk's count is final";
  EXPECT_EQ(usage.cache_read, 4);
  EXPECT_EQ(meter.model(), "gemini-x");
}

TEST(UsageMeter, UsageTravelsInEventsAndBack) {
  nlohmann::json payload = {{"provider", "anthropic"}};
  put_usage(payload, {120, 30, 7, 3});
  TokenUsage back = usage_of(payload);
  EXPECT_EQ(back.input, 120);
  EXPECT_EQ(back.cache_write, 3);
  EXPECT_EQ(back.total(), 160);
  EXPECT_EQ(usage_of(nlohmann::json{{"input_tokens", "many"}, {"output_tokens", -5}}).total(), 0) << "never negative";
  EXPECT_EQ(usage_of(nlohmann::json::array()).total(), 0);
}

TEST(UsageMeter, HostileOrUsagelessAnswersCountZeroAndStayBounded) {
  UsageMeter garbage(true);
  garbage.feed("data: {not json\n\ndata: [1,2]\n\ndata: {\"usage\":{\"input_tokens\":\"many\"}}\n\n");
  EXPECT_EQ(garbage.finish().total(), 0);
  UsageMeter huge(true);
  std::string line = "data: " + std::string(UsageMeter::kMaxEventBytes + 10, 'x');
  huge.feed(line);
  huge.feed("\n\ndata: {\"usage\":{\"input_tokens\":3}}\n\n");
  EXPECT_EQ(huge.finish().input, 3) << "an oversized event is dropped, the next one still counts";
  UsageMeter truncated(true);
  truncated.feed("data: {\"usage\":{\"input_tokens\":4}}");  // the stream broke before the blank line
  EXPECT_EQ(truncated.finish().input, 4);
}

}  // namespace
}  // namespace corral::runner
