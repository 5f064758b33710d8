#include "runner/gateways/llm_usage.h"

#include <nlohmann/json.hpp>

#include <algorithm>

namespace corral::runner {
namespace {

int64_t number(const nlohmann::json& object, const char* key) {
  auto it = object.find(key);
  return it != object.end() && it->is_number_integer() ? it->get<int64_t>() : -1;
}

// Takes what this usage object says; a field it does not name keeps its value.
void take(const nlohmann::json& usage, TokenUsage& into) {
  if (!usage.is_object()) return;
  auto set = [&](int64_t value, int64_t& field) {
    if (value >= 0) field = value;
  };
  set(number(usage, "input_tokens"), into.input);  // Anthropic
  set(number(usage, "output_tokens"), into.output);
  set(number(usage, "cache_read_input_tokens"), into.cache_read);
  set(number(usage, "cache_creation_input_tokens"), into.cache_write);
  set(number(usage, "prompt_tokens"), into.input);  // OpenAI
  set(number(usage, "completion_tokens"), into.output);
  set(number(usage, "promptTokenCount"), into.input);  // Gemini's usageMetadata
  set(number(usage, "candidatesTokenCount"), into.output);
  set(number(usage, "cachedContentTokenCount"), into.cache_read);
}

}  // namespace

void put_usage(nlohmann::json& payload, const TokenUsage& usage) {
  payload["input_tokens"] = usage.input;
  payload["output_tokens"] = usage.output;
  payload["cache_read_tokens"] = usage.cache_read;
  payload["cache_write_tokens"] = usage.cache_write;
}

TokenUsage usage_of(const nlohmann::json& payload) {
  TokenUsage usage;
  if (!payload.is_object()) return usage;
  auto field = [&](const char* key) { return std::max<int64_t>(0, number(payload, key)); };
  usage.input = field("input_tokens");
  usage.output = field("output_tokens");
  usage.cache_read = field("cache_read_tokens");
  usage.cache_write = field("cache_write_tokens");
  return usage;
}

void UsageMeter::feed(std::string_view bytes) {
  if (!event_stream_) {
    if (pending_.size() + bytes.size() > kMaxEventBytes) overflow_ = true;
    if (!overflow_) pending_.append(bytes);
    return;
  }
  for (char c : bytes) {
    if (c != '\n') {
      if (pending_.size() < kMaxEventBytes) pending_.push_back(c);
      continue;
    }
    if (!pending_.empty() && pending_.back() == '\r') pending_.pop_back();
    line(pending_);
    pending_.clear();
  }
}

void UsageMeter::line(std::string_view text) {
  if (text.empty()) {  // the end of one event
    if (!data_.empty()) dispatch(data_);
    data_.clear();
    return;
  }
  if (text.rfind("data:", 0) != 0) return;  // event:, id:, retry:, comments
  std::string_view value = text.substr(5);
  if (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  if (!data_.empty()) data_.push_back('\n');
  if (data_.size() + value.size() <= kMaxEventBytes) data_.append(value);
}

void UsageMeter::dispatch(const std::string& data) {
  if (data == "[DONE]") return;
  nlohmann::json event = nlohmann::json::parse(data, nullptr, /*allow_exceptions=*/false);
  if (!event.is_object()) return;
  const nlohmann::json* message = &event;
  for (const char* wrapper : {"message", "response"}) {  // Anthropic's message_start, OpenAI's response.completed
    auto inner = event.find(wrapper);
    if (inner != event.end() && inner->is_object()) message = &*inner;
  }
  auto model = message->find("model");
  if (model != message->end() && model->is_string()) model_ = model->get<std::string>();
  for (const char* key : {"usage", "usageMetadata"}) {
    auto usage = message->find(key);
    if (usage != message->end()) take(*usage, usage_);
  }
  auto version = message->find("modelVersion");  // Gemini
  if (version != message->end() && version->is_string()) model_ = version->get<std::string>();
  if (message != &event && event.contains("usage")) take(event["usage"], usage_);
}

TokenUsage UsageMeter::finish() {
  if (event_stream_) {
    if (!pending_.empty()) line(pending_);
    line("");
  } else if (!overflow_) {
    dispatch(pending_);
  }
  pending_.clear();
  return usage_;
}

}  // namespace corral::runner
