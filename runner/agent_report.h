// How an agent reports its confidence or asks for a human, from inside the
// sandbox: one line, `$CORRAL_REPORT confidence 0.8 "why"` or
// `$CORRAL_REPORT escalate "why"` (CORRAL_REPORT runs the supervisor's report
// command), which prints a marked line on stdout. The output recorder turns
// marked lines into agent.confidence / agent.escalation events instead of
// output. Anything the agent prints can be a report: reports are the agent's
// own word, and only ever add caution (an escalation asks for a human).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace corral::runner {

// A line that begins with this is a report (ASCII record separator + tag).
inline constexpr std::string_view kReportMarker =
    "\x1e"
    "corral-report ";

struct AgentReport {
  std::string kind;    // "confidence" or "escalation"
  double value = 0;    // confidence, 0..1
  std::string reason;  // at most kMaxReasonBytes
};

inline constexpr size_t kMaxReasonBytes = 1000;

// The report a marked line carries; nullopt if it is not a valid one.
std::optional<AgentReport> parse_report(std::string_view line);
// The marked line for `report` (with its newline).
std::string format_report(const AgentReport& report);

}  // namespace corral::runner
