// Token usage read from a model provider's response as it streams past the
// LLM gateway: Anthropic Messages, OpenAI-compatible Chat Completions and
// Gemini generateContent, streamed (server-sent events) or not.
//   Anthropic stream: message_start.message.usage (input, cache, first output)
//                     then message_delta.usage.output_tokens (cumulative)
//   OpenAI stream:    the chunk with "usage" (stream_options.include_usage);
//                     Responses API: response.completed's response.usage
//   Gemini stream:    "usageMetadata" on the chunks (the last one is final)
//   Not streamed:     the body's "usage"
// Bounded memory whatever the response: one event (or body) at a time, each
// at most kMaxEventBytes. Pure.
#pragma once

#include <nlohmann/json_fwd.hpp>

#include <cstdint>
#include <string>
#include <string_view>

namespace corral::runner {

struct TokenUsage {
  int64_t input = 0;
  int64_t output = 0;
  int64_t cache_read = 0;
  int64_t cache_write = 0;
  int64_t total() const { return input + output + cache_read + cache_write; }
};

// The usage as llm.call events carry it (input_tokens, output_tokens,
// cache_read_tokens, cache_write_tokens), and read back from such a payload
// (missing or mistyped fields count 0).
void put_usage(nlohmann::json& payload, const TokenUsage& usage);
TokenUsage usage_of(const nlohmann::json& payload);

class UsageMeter {
 public:
  static constexpr size_t kMaxEventBytes = 16 << 20;

  explicit UsageMeter(bool event_stream) : event_stream_(event_stream) {}
  void feed(std::string_view bytes);
  // After the last byte; the usage seen (zeros if the provider sent none).
  TokenUsage finish();
  // The model the provider says answered ("" if none).
  const std::string& model() const { return model_; }

 private:
  void line(std::string_view text);
  void dispatch(const std::string& data);

  bool event_stream_;
  bool overflow_ = false;
  std::string pending_;  // a partial line (stream) or the body so far
  std::string data_;     // the current event's data lines
  TokenUsage usage_;
  std::string model_;
};

}  // namespace corral::runner
