// The event log: append-only and hash-chained.
//
// Each stored event carries prev_hash (the hash of the event before it, or 64
// zeros for the first) and hash = SHA-256(prev_hash + "\n" + canonical content),
// where the canonical content is the event's fields as a compact JSON object
// with sorted keys. Altering, deleting or inserting a row breaks the chain at
// that row, and verify() names it. (Truncating the tail is only detectable
// against a head hash kept elsewhere; verify() reports the head for that.)
#pragma once

#include <nlohmann/json_fwd.hpp>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/event.h"
#include "store/database.h"

namespace corral::store {

struct StoredEvent {
  int64_t seq = 0;
  std::string id;
  std::string time;  // RFC 3339
  Event event;
  std::string prev_hash;
  std::string hash;
};

struct ChainReport {
  int64_t events_checked = 0;
  bool intact = true;
  int64_t first_broken_seq = 0;  // 0 when intact
  std::string problem;           // what is wrong at first_broken_seq
  std::string head_hash;         // hash of the last event checked
  int64_t last_seq = 0;          // the last event checked
};

class EventLog final : public EventSink {
 public:
  // Does not own `db` or `clock`; both must outlive the log.
  EventLog(Database& db, const Clock& clock) : db_(db), clock_(clock) {}

  // Appends atomically with respect to other writers of the same file.
  Status record(const Event& event) override;
  Result<StoredEvent> append(const Event& event);

  // Events after `seq` in order, at most `limit`, matching every non-empty
  // filter field (task, repo, type prefix such as "task." or exact type).
  struct Filter {
    std::string task_id;
    std::string repo_id;
    std::string type;
  };
  Result<std::vector<StoredEvent>> after(int64_t seq, const Filter& filter, int limit);

  // Called after each append (the Store calls its event listeners); empty: none.
  void set_append_listener(std::function<void(const StoredEvent&)> listener) { on_append_ = std::move(listener); }

  // The first event stored at or after `time` (RFC 3339); one past the last when none.
  Result<int64_t> first_seq_since(const std::string& time);

  // The newest event's seq (0 when the log is empty).
  Result<int64_t> last_seq();

  // A task's newest event of `type`, if it has one.
  Result<std::optional<StoredEvent>> last_of_type(const std::string& task_id, const std::string& type);

  // A task's events in order.
  Result<std::vector<StoredEvent>> for_task(const std::string& task_id);

  // Walks the whole chain from the first event.
  Result<ChainReport> verify();
  // Walks at most `limit` events (0: all) after `after_seq`, whose hash is
  // `prev_hash`: a long log verified a part at a time.
  Result<ChainReport> verify_part(int64_t after_seq, const std::string& prev_hash, int limit);

 private:
  Database& db_;
  const Clock& clock_;
  std::function<void(const StoredEvent&)> on_append_;
};

// A stored event as JSON: seq, id, time, type, task, run, repo, agent,
// correlation and payload (its text when it is not JSON). What the chain
// hashes, and what the API and the CLI show.
nlohmann::json event_json(const StoredEvent& stored);

// The hash a stored event must have, given its fields and prev_hash.
std::string chain_hash(const StoredEvent& stored);

}  // namespace corral::store
