#include "runner/agent_stream.h"

#include "runner/event_values.h"

namespace corral::runner {
namespace {

size_t content_bytes(const nlohmann::json& content) {
  return content.is_string() ? content.get<std::string>().size() : content.dump().size();
}

}  // namespace

AgentStreamReader::Found AgentStreamReader::feed(std::string_view chunk) {
  Found found;
  for (size_t start = 0; start < chunk.size();) {
    size_t newline = chunk.find('\n', start);
    std::string_view piece =
        chunk.substr(start, newline == std::string_view::npos ? chunk.size() - start : newline - start);
    if (!skipping_) {
      if (pending_.size() + piece.size() > kMaxLineBytes) {
        skipping_ = true;
        pending_.clear();
      } else {
        pending_.append(piece);
      }
    }
    if (newline == std::string_view::npos) break;
    if (!skipping_) line(pending_, found);
    pending_.clear();
    skipping_ = false;
    start = newline + 1;
  }
  return found;
}

AgentStreamReader::Found AgentStreamReader::finish() {
  Found found;
  if (!skipping_ && !pending_.empty()) line(pending_, found);
  pending_.clear();
  skipping_ = false;
  return found;
}

void AgentStreamReader::line(std::string_view text, Found& found) const {
  nlohmann::json object = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!object.is_object()) return;
  // The agent prints these lines: a field of an unexpected type (value()
  // throws then) makes the line noise, never a crash.
  Found from_line;
  try {
    if (dialect_ == StreamDialect::kGemini) {
      gemini_line(object, from_line);
    } else if (dialect_ == StreamDialect::kCodex) {
      codex_line(object, from_line);
    } else {
      claude_line(object, from_line);
    }
  } catch (const nlohmann::json::exception&) {
    return;
  }
  found.insert(found.end(), from_line.begin(), from_line.end());
}

void AgentStreamReader::gemini_line(const nlohmann::json& object, Found& found) const {
  std::string type = object.value("type", "");
  if (type == "tool_use") {
    found.emplace_back(
        "agent.tool_use",
        nlohmann::json{{"id", object.value("tool_id", "")},
                       {"tool", object.value("tool_name", "")},
                       {"input", arguments_for_event(object.value("parameters", nlohmann::json::object()))}});
  } else if (type == "tool_result") {
    found.emplace_back("agent.tool_result",
                       nlohmann::json{{"id", object.value("tool_id", "")},
                                      {"is_error", object.value("status", "") != "success"},
                                      {"bytes", object.contains("output") ? content_bytes(object["output"]) : 0}});
  } else if (type == "result") {
    nlohmann::json stats = object.value("stats", nlohmann::json::object());
    if (!stats.is_object()) stats = nlohmann::json::object();
    found.emplace_back("agent.result", nlohmann::json{{"is_error", object.value("status", "") != "success"},
                                                      {"duration_ms", stats.value("duration_ms", 0)},
                                                      {"tool_calls", stats.value("tool_calls", 0)},
                                                      {"input_tokens", stats.value("input_tokens", 0)},
                                                      {"output_tokens", stats.value("output_tokens", 0)}});
  }
}

void AgentStreamReader::codex_line(const nlohmann::json& object, Found& found) const {
  std::string type = object.value("type", "");
  if (type == "turn.completed" || type == "turn.failed") {
    nlohmann::json usage = object.value("usage", nlohmann::json::object());
    if (!usage.is_object()) usage = nlohmann::json::object();
    found.emplace_back("agent.result", nlohmann::json{{"is_error", type == "turn.failed"},
                                                      {"input_tokens", usage.value("input_tokens", 0)},
                                                      {"output_tokens", usage.value("output_tokens", 0)}});
    return;
  }
  if (type != "item.completed" || !object.contains("item") || !object["item"].is_object()) return;
  const nlohmann::json& item = object["item"];
  std::string kind = item.value("type", "");
  std::string id = item.value("id", "");
  if (kind == "command_execution") {
    found.emplace_back(
        "agent.tool_use",
        nlohmann::json{
            {"id", id}, {"tool", kind}, {"input", arguments_for_event({{"command", item.value("command", "")}})}});
    found.emplace_back(
        "agent.tool_result",
        nlohmann::json{{"id", id},
                       {"is_error", item.value("exit_code", -1) != 0},
                       {"bytes", item.contains("aggregated_output") ? content_bytes(item["aggregated_output"]) : 0}});
  } else if (kind == "file_change") {
    nlohmann::json paths = nlohmann::json::array();
    for (const nlohmann::json& change : item.value("changes", nlohmann::json::array())) {
      if (change.is_object()) paths.push_back(change.value("path", ""));
    }
    found.emplace_back("agent.tool_use",
                       nlohmann::json{{"id", id}, {"tool", kind}, {"input", arguments_for_event({{"paths", paths}})}});
    found.emplace_back("agent.tool_result",
                       nlohmann::json{{"id", id}, {"is_error", item.value("status", "") != "completed"}, {"bytes", 0}});
  }
}

void AgentStreamReader::claude_line(const nlohmann::json& object, Found& found) const {
  std::string type = object.value("type", "");
  if (type == "result") {
    nlohmann::json usage = object.value("usage", nlohmann::json::object());
    found.emplace_back("agent.result",
                       nlohmann::json{{"subtype", object.value("subtype", "")},
                                      {"is_error", object.value("is_error", false)},
                                      {"turns", object.value("num_turns", 0)},
                                      {"duration_ms", object.value("duration_ms", 0)},
                                      {"cost_usd", object.value("total_cost_usd", 0.0)},
                                      {"input_tokens", usage.is_object() ? usage.value("input_tokens", 0) : 0},
                                      {"output_tokens", usage.is_object() ? usage.value("output_tokens", 0) : 0}});
    return;
  }
  if (type != "assistant" && type != "user") return;
  const nlohmann::json& message = object.contains("message") ? object["message"] : nlohmann::json::object();
  if (!message.is_object() || !message.contains("content") || !message["content"].is_array()) return;
  for (const nlohmann::json& block : message["content"]) {
    if (!block.is_object()) continue;
    std::string kind = block.value("type", "");
    if (type == "assistant" && kind == "tool_use") {
      found.emplace_back(
          "agent.tool_use",
          nlohmann::json{{"id", block.value("id", "")},
                         {"tool", block.value("name", "")},
                         {"input", arguments_for_event(block.value("input", nlohmann::json::object()))}});
    } else if (type == "user" && kind == "tool_result") {
      found.emplace_back("agent.tool_result",
                         nlohmann::json{{"id", block.value("tool_use_id", "")},
                                        {"is_error", block.value("is_error", false)},
                                        {"bytes", block.contains("content") ? content_bytes(block["content"]) : 0}});
    }
  }
}

}  // namespace corral::runner
