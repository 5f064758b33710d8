#include "runner/agent_report.h"

#include <nlohmann/json.hpp>

namespace corral::runner {

std::optional<AgentReport> parse_report(std::string_view line) {
  if (line.substr(0, kReportMarker.size()) != kReportMarker) return std::nullopt;
  line.remove_prefix(kReportMarker.size());
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.remove_suffix(1);
  auto json = nlohmann::json::parse(line, nullptr, false);
  if (!json.is_object() || !json.contains("kind") || !json["kind"].is_string()) return std::nullopt;
  AgentReport report;
  report.kind = json["kind"];
  if (json.contains("reason")) {
    if (!json["reason"].is_string()) return std::nullopt;
    report.reason = json["reason"];
  }
  if (report.reason.size() > kMaxReasonBytes) return std::nullopt;
  if (report.kind == "escalation") return report;
  if (report.kind != "confidence" || !json.contains("value") || !json["value"].is_number()) return std::nullopt;
  report.value = json["value"];
  if (!(report.value >= 0 && report.value <= 1)) return std::nullopt;
  return report;
}

std::string format_report(const AgentReport& report) {
  nlohmann::json json = {{"kind", report.kind}, {"reason", report.reason}};
  if (report.kind == "confidence") json["value"] = report.value;
  return std::string(kReportMarker) + json.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

}  // namespace corral::runner
