#include "routing/outcome.h"

#include <array>
#include <utility>

namespace corral::routing {
namespace {

constexpr std::array<std::pair<OutcomeKind, const char*>, 8> kNames = {{
    {OutcomeKind::kMerged, "merged"},
    {OutcomeKind::kRolledBack, "rolled_back"},
    {OutcomeKind::kRejected, "rejected"},
    {OutcomeKind::kChecksFailed, "checks_failed"},
    {OutcomeKind::kRefused, "refused"},
    {OutcomeKind::kRunFailed, "run_failed"},
    {OutcomeKind::kCancelled, "cancelled"},
    {OutcomeKind::kForcePushRefused, "force_push_refused"},
}};

}  // namespace

const char* outcome_name(OutcomeKind kind) {
  for (const auto& [known, name] : kNames) {
    if (known == kind) return name;
  }
  return "unknown";
}

std::optional<OutcomeKind> parse_outcome(const std::string& name) {
  for (const auto& [kind, known] : kNames) {
    if (name == known) return kind;
  }
  return std::nullopt;
}

}  // namespace corral::routing
