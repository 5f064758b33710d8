// The scorecard: per repository and agent profile over a window of the event
// log, how much of the work merged without a person, how often the rules
// blocked and how often that was wrong, how long a failure took to put
// right, what a merged task cost, and least privilege: what runs were
// granted against what they used, with a tighter grant where the history
// supports one.
//
// Definitions (also in README.md):
//  - merged without human intervention: merged, and no approval.granted;
//  - false positives: flagged tool calls in tasks a reviewer then approved
//    (the call was let through and the work accepted); the ratio is over all
//    blocked and flagged calls and denied egress;
//  - time to remediate: from a task.failed or rollback.recorded to the next
//    merge of a task of the same repository whose proposed diff touches one
//    of the same files (failures without a diff are not counted);
//  - least privilege is measured against the repository's settings in force
//    (grants are not recorded per run): hosts, per-task token and call
//    budgets; time against each run's own timeout. Memory used is not
//    recorded yet, so it is reported as unknown.
#pragma once

#include <nlohmann/json_fwd.hpp>

#include <string>

#include "store/store.h"

namespace corral::metrics {

inline constexpr int kScorecardMaxEvents = 500000;

// `repo_id` "" for every repository; events stored at or after `since` (RFC 3339).
Result<nlohmann::json> scorecard(store::Transaction& tx, const std::string& repo_id, const std::string& since);

}  // namespace corral::metrics
