// What validation answers for one tool input, whatever the validator: allow,
// flag (log and allow) or block (refuse with the reason), and the rule.
#pragma once

#include <string>

namespace corral::policy {

enum class Verdict { kAllow, kFlag, kBlock };

// How a rule set treats a rule that fires: flag lets the call through and
// logs it; block refuses it.
enum class Enforcement { kFlag, kBlock };

struct ToolDecision {
  Verdict verdict = Verdict::kAllow;
  std::string rule;        // "" when allowed
  std::string reason;      // for people and the tool.flagged / tool.blocked event
  std::string normalized;  // the input as validated (e.g. the workspace-relative path)
};

// A decision for a rule that fired, by the enforcement in force.
ToolDecision fired(Enforcement enforcement, std::string rule, std::string reason, std::string normalized = "");

const char* verdict_name(Verdict verdict);

}  // namespace corral::policy
