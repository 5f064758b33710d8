// An alert as a rule raises it, before it is kept: which rule, how bad, what
// it is about (the subject a cooldown is counted per), a line for a person,
// the numbers, and the events behind it.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace corral::alerts {

namespace severity {
inline constexpr const char* kInfo = "info";
inline constexpr const char* kWarning = "warning";
inline constexpr const char* kCritical = "critical";
}  // namespace severity

// 0 info, 1 warning, 2 critical; -1 for a name that is none of them.
int severity_rank(const std::string& name);

// The rule and severity of an alert.raised another module recorded (kill
// switches, refused or outside rewrites), by its payload's "kind".
struct KindRule {
  std::string rule, severity;
};
KindRule rule_of_kind(const std::string& kind);

struct RaisedAlert {
  std::string rule;
  std::string severity = severity::kWarning;
  std::string subject;  // "repo:ID", "agent:PROFILE", "run:ID", "event:SEQ", ...
  std::string summary;
  nlohmann::json facts = nlohmann::json::object();
  std::vector<int64_t> events;  // the seqs behind it
  std::string repo_id, task_id, run_id, agent;
  bool recorded = false;  // its alert.raised is the event behind it (another module recorded it)
};

}  // namespace corral::alerts
