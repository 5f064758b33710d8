#include "admission/policy_replay.h"

#include <nlohmann/json.hpp>

#include "admission/run_boundaries.h"
#include "policy/tool_call.h"

namespace corral::admission {
namespace {

using nlohmann::json;

constexpr int kPage = 1000;

// In the past tense of the events: allowed, flagged, blocked.
std::string decided_name(policy::Verdict verdict) {
  switch (verdict) {
    case policy::Verdict::kAllow:
      return "allowed";
    case policy::Verdict::kFlag:
      return "flagged";
    case policy::Verdict::kBlock:
      break;
  }
  return "blocked";
}

std::string recorded_verdict(const std::string& type) {
  if (type == "tool.invoked" || type == "egress.allowed") return "allowed";
  if (type == "tool.flagged") return "flagged";
  return "blocked";
}

std::string text(const json& payload, const char* key) {
  auto it = payload.find(key);
  return it != payload.end() && it->is_string() ? it->get<std::string>() : std::string();
}

ReplayedDecision tool_call(const store::StoredEvent& stored, const json& payload, const policy::ToolPolicy& tools) {
  std::map<std::string, std::string> arguments;
  if (payload.contains("arguments") && payload["arguments"].is_object())
    for (const auto& [key, value] : payload["arguments"].items())
      arguments[key] = value.is_string() ? value.get<std::string>() : value.dump();
  std::string tool = text(payload, "tool");
  policy::ToolCallDecision decided = policy::check_tool_call(tool, arguments, tools);
  std::string argument = decided.argument.empty() ? "" : " " + decided.argument;
  return {stored.seq,
          stored.event.task_id,
          "tool",
          tool + argument,
          recorded_verdict(stored.event.type),
          decided_name(decided.decision.verdict),
          decided.decision.rule,
          decided.decision.reason};
}

ReplayedDecision egress_request(const store::StoredEvent& stored, const json& payload, const policy::UrlPolicy& urls,
                                bool any_egress) {
  std::string host = text(payload, "host");
  int port = payload.value("port", 443);
  ReplayedDecision replayed{stored.seq,
                            stored.event.task_id,
                            "egress",
                            host + ":" + std::to_string(port),
                            recorded_verdict(stored.event.type),
                            "blocked",
                            "",
                            ""};
  if (!any_egress) {
    replayed.rule = "no_egress";
    replayed.reason = "the proposed settings allow no host: runs get no network";
    return replayed;
  }
  std::string scheme = port == 80 ? "http" : "https";
  policy::UrlDecision decided = policy::check_url(scheme + "://" + host + ":" + std::to_string(port) + "/", urls);
  replayed.would_be = decided_name(decided.decision.verdict);
  replayed.rule = decided.decision.rule;
  replayed.reason = decided.decision.reason;
  return replayed;
}

}  // namespace

Result<PolicyReplay> replay_policy(store::Transaction& tx, const std::string& repo_id,
                                   const settings::BoundarySettings& proposed, const std::string& since) {
  policy::ToolPolicy tools;
  tools.enforcement = proposed.tool_enforcement;
  tools.paths.enforcement = proposed.tool_enforcement;
  tools.urls = egress_urls(proposed, {});
  PolicyReplay replay;
  CORRAL_ASSIGN_OR_RETURN(int64_t first, tx.events.first_seq_since(since));
  int64_t looked = 0;
  for (const char* prefix : {"tool.", "egress."}) {
    for (int64_t after = first - 1;;) {
      CORRAL_ASSIGN_OR_RETURN(auto page, tx.events.after(after, {"", repo_id, prefix}, kPage));
      if (page.empty()) break;
      after = page.back().seq;
      for (const store::StoredEvent& stored : page) {
        const std::string& type = stored.event.type;
        bool tool = type == "tool.invoked" || type == "tool.flagged" || type == "tool.blocked";
        bool egress = type == "egress.allowed" || type == "egress.denied";
        if (!tool && !egress) continue;
        if (++looked > kMaxEvents) {
          replay.truncated = true;
          break;
        }
        json payload = json::parse(stored.event.payload, nullptr, false);
        if (!payload.is_object()) continue;
        ReplayedDecision replayed = tool ? tool_call(stored, payload, tools)
                                         : egress_request(stored, payload, tools.urls, !proposed.egress_hosts.empty());
        ++(tool ? replay.tool_calls : replay.egress_requests);
        if (replayed.was == replayed.would_be) continue;
        ++replay.changes[replayed.was + " -> " + replayed.would_be];
        if (static_cast<int>(replay.changed.size()) < kMaxShown) replay.changed.push_back(std::move(replayed));
      }
      if (replay.truncated) break;
    }
  }
  return replay;
}

}  // namespace corral::admission
