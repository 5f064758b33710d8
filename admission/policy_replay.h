// A dry run of proposed tool and egress rules against history: each tool
// call and egress request a repository's runs made since a time, decided
// again under the proposed boundaries (policy/ decides, as the tool gate and
// the egress proxy would), and what would have gone differently. What it
// cannot see: arguments as recorded (long ones cut), names not resolved
// (an internal address found by DNS then is not found now), and an agent
// profile's own hosts.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "settings/boundary_settings.h"
#include "store/store.h"

namespace corral::admission {

struct ReplayedDecision {
  int64_t seq = 0;
  std::string task;
  std::string kind;           // "tool" or "egress"
  std::string what;           // the tool's name and the argument that decided, or HOST:PORT
  std::string was, would_be;  // allowed, flagged, blocked
  std::string rule, reason;   // the proposed rules' (empty when allowed)
};

struct PolicyReplay {
  int64_t tool_calls = 0, egress_requests = 0;
  std::map<std::string, int64_t> changes;  // "allowed -> blocked": how many
  std::vector<ReplayedDecision> changed;   // the first kMaxShown, oldest first
  bool truncated = false;                  // more than kMaxEvents to look at: the newest were not
};

inline constexpr int kMaxShown = 200;
inline constexpr int kMaxEvents = 200000;

Result<PolicyReplay> replay_policy(store::Transaction& tx, const std::string& repo_id,
                                   const settings::BoundarySettings& proposed, const std::string& since);

}  // namespace corral::admission
