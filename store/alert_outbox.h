// Where alerts go and what is owed to each: webhook destinations (global or
// one repository's, with a filter by rule and severity; their URL and secret
// kept as references, never the secret itself), and the outbox of deliveries,
// one row per (alert, destination), whose id is the idempotency key a
// receiver sees on every attempt. A delivery stays pending until an attempt
// is recorded as delivered or the last one failed, so a daemon that stops
// mid-attempt tries again after its restart (at least once).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "store/database.h"

namespace corral::store {

struct AlertDestination {
  std::string name;
  std::string repo_id;             // "" = every repository's alerts (and those of none)
  std::string format;              // slack, teams, telegram, json
  std::string url;                 // a reference (env:NAME, file:PATH), or for json and telegram the address itself
  std::string secret;              // a reference: the HMAC key, the Telegram bot token; "" when the format needs none
  std::string chat_id;             // telegram
  std::vector<std::string> rules;  // empty = every rule
  std::string min_severity = "info";
  bool healthy = true;
  std::string last_error;
  std::string created_by, created_at;
};

namespace delivery_state {
inline constexpr const char* kPending = "pending";
inline constexpr const char* kDelivered = "delivered";
inline constexpr const char* kFailed = "failed";
}  // namespace delivery_state

struct Delivery {
  std::string id;  // the idempotency key
  std::string alert_id, destination;
  std::string state = delivery_state::kPending;
  int attempts = 0;
  int64_t next_attempt_ms = 0;  // wall clock, ms since the epoch
  std::string last_error;
  std::string created_at, finished_at;
};

class AlertOutbox {
 public:
  AlertOutbox(Database& db, const Clock& clock) : db_(db), clock_(clock) {}

  // already_exists if the name is taken.
  Status add_destination(AlertDestination destination);
  // not_found if there is none by that name; its pending deliveries fail.
  Status remove_destination(const std::string& name);
  Result<std::optional<AlertDestination>> destination(const std::string& name);
  Result<std::vector<AlertDestination>> destinations();
  Status set_health(const std::string& name, bool healthy, const std::string& error);

  // A pending delivery of `alert_id` to `destination`, due now.
  Status enqueue(const std::string& alert_id, const std::string& destination);
  // Pending deliveries due at `now_ms`, oldest first.
  Result<std::vector<Delivery>> due(int64_t now_ms, int limit);
  // When the next pending delivery is due (nullopt: none pending).
  Result<std::optional<int64_t>> next_due_ms();
  Result<std::vector<Delivery>> of_alert(const std::string& alert_id);
  // An attempt's end: delivered, failed for good, or to be tried at `retry_ms`.
  Status delivered(const std::string& id, int attempts);
  Status failed(const std::string& id, int attempts, const std::string& error);
  Status retry_at(const std::string& id, int attempts, int64_t retry_ms, const std::string& error);
  // Deliveries not yet delivered nor failed for good.
  Result<int64_t> depth();

 private:
  Status finish(const std::string& id, const char* state, int attempts, const std::string& error);

  Database& db_;
  const Clock& clock_;
};

}  // namespace corral::store
