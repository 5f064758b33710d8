// The owners' thresholds for a repository's alert rules (alerts/ evaluates
// them), and the names of the rules they tune. Part of a repository's
// settings (repo_settings.h):
//
//   "alerts": {"failures": 3, "failure_window_minutes": 60, "blocked_per_run": 5, "min_confidence": 0.5,
//              "burn_share": 0.25, "cooldown_minutes": 30, "muted": ["new_tool"]}
#pragma once

#include <array>
#include <string>
#include <string_view>
#include <vector>

namespace corral::settings {

// Every rule an alert can come from, as alert.raised and the API name it.
inline constexpr std::array<std::string_view, 13> kAlertRules = {
    "repeated_failures",  // a repository's or an agent profile's tasks failing, `failures` within the window
    "blocked_calls",      // blocked tool calls and denied egress in one run reach `blocked_per_run`
    "new_tool",           // a tool the repository's agents never used before
    "low_confidence",     // an agent reported confidence below `min_confidence`
    "escalation",         // an agent asked for a human
    "budget_burn",        // an hour's tokens or calls reached `burn_share` of the daily budget
    "history_rewrite",    // a force-push or history rewrite of a shared branch was refused
    "rollback",           // a merged change was rolled back
    "broken_chain",       // the event log's hash chain does not hold
    "run_killed",         // a run was killed by its limits (time, memory, budget)
    "overlap",            // two tasks in flight change the same files
    "kill_switch",        // a kill switch was turned on or off
    "merge_queue",        // a merge queue's upstream failed again and again: its tasks wait
};

struct AlertSettings {
  int failures = 3;
  int failure_window_minutes = 60;
  int blocked_per_run = 5;
  double min_confidence = 0.5;
  double burn_share = 0.25;
  int cooldown_minutes = 30;       // the least time between two alerts of one rule about one thing
  std::vector<std::string> muted;  // rules that raise nothing here
};

}  // namespace corral::settings
