// Routing's inputs: what became of each task (one row per outcome, in the
// order they happened) and each repository's current tier with the rule
// that set it. Kinds and tiers are stored by name (routing/ names them).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "store/database.h"

namespace corral::store {

struct OutcomeRecord {
  std::string repo_id;
  std::string task_id;
  std::string agent;
  std::string kind;   // routing::outcome_name
  int64_t at_ms = 0;  // milliseconds since the epoch
};

struct TierRecord {
  std::string repo_id;
  std::string tier = "observe";
  int outcomes_since_change = 0;
  std::string rule;  // the latest decision's rule and reason
  std::string reason;
  std::string changed_at;  // when the tier last changed ("" when saving: now)
};

class Outcomes {
 public:
  Outcomes(Database& db, const Clock& clock) : db_(db), clock_(clock) {}

  // Records an outcome at the clock's now.
  Status record(const std::string& repo_id, const std::string& task_id, const std::string& agent,
                const std::string& kind);
  // The repository's outcomes, oldest first.
  Result<std::vector<OutcomeRecord>> of_repo(const std::string& repo_id);

  // The repository's tier record; a default (observe) one if it has none yet.
  Result<TierRecord> tier(const std::string& repo_id);
  Status set_tier(const TierRecord& tier);

 private:
  Database& db_;
  const Clock& clock_;
};

}  // namespace corral::store
