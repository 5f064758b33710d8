// Alerts as they are kept: one row per alert.raised event, with who
// acknowledged and resolved it, and the place in the event log the alert
// rules have read up to (their cursor, with the hash of that event, so the
// chain is checked across restarts too). Only alerts/ writes alerts.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "store/database.h"

namespace corral::store {

namespace alert_state {
inline constexpr const char* kOpen = "open";
inline constexpr const char* kAcknowledged = "acknowledged";
inline constexpr const char* kResolved = "resolved";
}  // namespace alert_state

struct AlertRecord {
  std::string id;
  int64_t seq = 0;  // its alert.raised event
  std::string rule, severity;
  std::string repo_id, task_id, agent;
  std::string subject;  // what its cooldown is per: "repo:ID", "run:ID", ...
  std::string summary;
  std::string facts = "{}";  // JSON: the numbers and the events behind it
  std::string state = alert_state::kOpen;
  std::string raised_at;  // RFC 3339; both set when it is saved
  int64_t raised_ms = 0;
  std::string acked_by, acked_at, ack_note;
  std::string resolved_by, resolved_at, resolve_note;
};

struct AlertFilter {
  std::string state, repo_id, rule, severity;  // "" = any
  int64_t before_seq = 0;                      // 0 = from the newest
  int limit = 100;
};

// Where the rules have read up to.
struct AlertCursor {
  int64_t seq = 0;
  std::string hash;  // of the event at seq ("" before the first)
};

class Alerts {
 public:
  Alerts(Database& db, const Clock& clock) : db_(db), clock_(clock) {}

  // Sets its raised_at and raised_ms.
  Status insert(AlertRecord& alert);
  Result<std::optional<AlertRecord>> find(const std::string& id);
  // Newest first.
  Result<std::vector<AlertRecord>> list(const AlertFilter& filter);
  // Acknowledges or resolves (its who, when and why set here); failed_precondition
  // if it is resolved already, or acknowledged when asked to acknowledge.
  Result<AlertRecord> acknowledge(const std::string& id, const std::string& by, const std::string& note);
  Result<AlertRecord> resolve(const std::string& id, const std::string& by, const std::string& note);
  // When the newest alert of `rule` about `subject` was raised (ms since the
  // epoch), if there is one: what a rule's cooldown is counted from.
  Result<std::optional<int64_t>> last_raised_ms(const std::string& rule, const std::string& subject);
  Result<std::vector<std::pair<std::string, int64_t>>> count_by_state();

  // Remembers that `tool` was used in `repo_id` by `run_id`. True when no run
  // there had used it before while another run had used some tool there (a
  // repository's first run has nothing to compare with).
  Result<bool> first_use_of_tool(const std::string& repo_id, const std::string& tool, const std::string& run_id);

  // Where the rules are; nullopt before they first started.
  Result<std::optional<AlertCursor>> stored_cursor();
  Result<AlertCursor> cursor();
  Status set_cursor(const AlertCursor& cursor);

 private:
  Result<AlertRecord> change(const std::string& id, const char* state, const std::string& by, const std::string& note);

  Database& db_;
  const Clock& clock_;
};

}  // namespace corral::store
