#include "policy/tool_verdict.h"

namespace corral::policy {

ToolDecision fired(Enforcement enforcement, std::string rule, std::string reason, std::string normalized) {
  return {enforcement == Enforcement::kBlock ? Verdict::kBlock : Verdict::kFlag, std::move(rule), std::move(reason),
          std::move(normalized)};
}

const char* verdict_name(Verdict verdict) {
  switch (verdict) {
    case Verdict::kAllow:
      return "allow";
    case Verdict::kFlag:
      return "flag";
    case Verdict::kBlock:
      return "block";
  }
  return "block";
}

}  // namespace corral::policy
