#include "runner/gateways/tool_gate.h"

#include <filesystem>
#include <map>

#include <nlohmann/json.hpp>

#include "runner/event_values.h"
#include "runner/fd_io.h"

namespace corral::runner {
namespace {

constexpr size_t kMaxRequest = 9 << 20;

std::optional<std::string> read_link_under(const std::string& root, const std::string& relative) {
  std::error_code ec;
  std::filesystem::path path = std::filesystem::path(root) / relative;
  if (!std::filesystem::is_symlink(std::filesystem::symlink_status(path, ec))) return std::nullopt;
  auto target = std::filesystem::read_symlink(path, ec);
  if (ec) return std::nullopt;
  return target.string();
}

}  // namespace

std::string decide_tool_request(const std::string& request, const ToolGatePolicy& gate, const EmitEvent& emit) {
  nlohmann::json parsed = nlohmann::json::parse(request, nullptr, /*allow_exceptions=*/false);
  if (!parsed.is_object()) {
    emit("tool.blocked", {{"rule", "bad_request"}, {"reason", "the hook's input is not a JSON object"}});
    return "block bad_request: the hook's input is not a JSON object";
  }
  // The agent writes this JSON: no field is trusted to have its type.
  auto text = [&](const char* key) {
    auto it = parsed.find(key);
    return it != parsed.end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  std::string tool = text("tool_name").empty() ? text("tool") : text("tool_name");
  nlohmann::json input = parsed.contains("tool_input")  ? parsed["tool_input"]
                         : parsed.contains("arguments") ? parsed["arguments"]
                                                        : nlohmann::json::object();
  std::map<std::string, std::string> arguments;
  if (input.is_object()) {
    for (const auto& [key, value] : input.items())
      arguments[key] = value.is_string() ? value.get<std::string>() : value.dump();
  }
  nlohmann::json shown = arguments_for_event(input);
  policy::ToolPolicy policy = gate.tools;
  std::string root = gate.worktree_host_path;
  if (!root.empty())
    policy.paths.read_link = [root](const std::string& relative) { return read_link_under(root, relative); };
  policy::ToolCallDecision decided = policy::check_tool_call(tool, arguments, policy);
  const policy::ToolDecision& d = decided.decision;
  nlohmann::json payload = {{"tool", tool}, {"arguments", shown}};
  if (!d.rule.empty()) payload.update({{"rule", d.rule}, {"reason", d.reason}, {"argument", decided.argument}});
  switch (d.verdict) {
    case policy::Verdict::kAllow:
      emit("tool.invoked", payload);
      return "allow";
    case policy::Verdict::kFlag:
      emit("tool.flagged", payload);
      return "flag " + d.rule + ": " + d.reason;
    case policy::Verdict::kBlock:
      break;
  }
  emit("tool.blocked", payload);
  return "block " + d.rule + ": " + d.reason;
}

void serve_tool_gate(int fd, const ToolGatePolicy& policy, const EmitEvent& emit) {
  std::string request;
  std::string answer = read_to_end(fd, request, kMaxRequest)
                           ? decide_tool_request(request, policy, emit)
                           : "block too_large: the tool call is too large to validate";
  answer += "\n";
  send_all(fd, answer.data(), answer.size());
}

}  // namespace corral::runner
