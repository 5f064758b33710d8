#include "alerts/alert_json.h"

namespace corral::alerts {

nlohmann::json alert_json(const store::AlertRecord& alert) {
  auto kept = nlohmann::json::parse(alert.facts, nullptr, false);
  if (!kept.is_object()) kept = nlohmann::json::object();
  auto who = [](const std::string& by, const std::string& at, const std::string& note) {
    return by.empty() ? nlohmann::json(nullptr) : nlohmann::json({{"by", by}, {"at", at}, {"note", note}});
  };
  return {{"id", alert.id},
          {"seq", alert.seq},
          {"rule", alert.rule},
          {"severity", alert.severity},
          {"state", alert.state},
          {"repo", alert.repo_id},
          {"task", alert.task_id},
          {"agent", alert.agent},
          {"subject", alert.subject},
          {"summary", alert.summary},
          {"facts", kept.value("facts", nlohmann::json::object())},
          {"events", kept.value("events", nlohmann::json::array())},
          {"raised_at", alert.raised_at},
          {"acknowledged", who(alert.acked_by, alert.acked_at, alert.ack_note)},
          {"resolved", who(alert.resolved_by, alert.resolved_at, alert.resolve_note)}};
}

}  // namespace corral::alerts
