// The owners' settings for a run's ways out: the egress allowlist (hosts,
// hosts allowed to resolve to internal addresses, extra ports), whether a
// refused tool call is blocked or only flagged, and token/call budgets per
// task and per repository and day. Part of a repository's settings
// (repo_settings.h), kept apart so each group reads as one thing.
//
//   "egress": {"hosts": ["pypi.org", "*.pythonhosted.org"], "internal_hosts": [], "ports": [8443]}
//   "tool_enforcement": "block" | "flag"
//   "budget": {"task_tokens": 2000000, "task_calls": 500, "daily_tokens": 0, "daily_calls": 0}  (0: none)
//   "models": {"codex": "gpt-5.2", "claude-code": "claude-sonnet-4-5"}  (a profile's model; none: its default)
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "policy/tool_verdict.h"

namespace corral::settings {

struct BoundarySettings {
  std::vector<std::string> egress_hosts;
  std::vector<std::string> egress_internal_hosts;
  std::vector<int> egress_ports;
  policy::Enforcement tool_enforcement = policy::Enforcement::kBlock;
  int64_t task_tokens = 0, task_calls = 0, daily_tokens = 0, daily_calls = 0;
  std::map<std::string, std::string> models;  // agent profile -> model name
  // model name -> "IN/OUT[/CACHE_READ[/CACHE_WRITE]]" (core/token_prices.h):
  // what each call costs, recorded with it
  std::map<std::string, std::string> model_prices;
};

}  // namespace corral::settings
