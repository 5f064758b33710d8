#include "store/event_log.h"

#include <nlohmann/json.hpp>

#include "core/hash.h"
#include "core/ids.h"
#include "store/statement.h"

namespace corral::store {
namespace {

const std::string kGenesisHash(64, '0');

constexpr std::string_view kSelectColumns =
    "SELECT seq, id, time, type, task_id, run_id, repo_id, agent, correlation_id, payload, "
    "prev_hash, hash FROM events ";

StoredEvent read_row(const Statement& row) {
  StoredEvent stored;
  stored.seq = row.integer(0);
  stored.id = row.text(1);
  stored.time = row.text(2);
  stored.event.type = row.text(3);
  stored.event.task_id = row.text(4);
  stored.event.run_id = row.text(5);
  stored.event.repo_id = row.text(6);
  stored.event.agent = row.text(7);
  stored.event.correlation_id = row.text(8);
  stored.event.payload = row.text(9);
  stored.prev_hash = row.text(10);
  stored.hash = row.text(11);
  return stored;
}

}  // namespace

nlohmann::json event_json(const StoredEvent& stored) {
  auto payload = nlohmann::json::parse(stored.event.payload, nullptr, false);
  return {
      {"seq", stored.seq},
      {"id", stored.id},
      {"time", stored.time},
      {"type", stored.event.type},
      {"task", stored.event.task_id},
      {"run", stored.event.run_id},
      {"repo", stored.event.repo_id},
      {"agent", stored.event.agent},
      {"correlation", stored.event.correlation_id},
      // An unparsable payload still hashes (as text), so tampering shows as a mismatch.
      {"payload", payload.is_discarded() ? nlohmann::json(stored.event.payload) : payload},
  };
}

std::string chain_hash(const StoredEvent& stored) {
  return sha256_hex(stored.prev_hash + "\n" +
                    event_json(stored).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

Status EventLog::record(const Event& event) { return append(event).status(); }

Result<StoredEvent> EventLog::append(const Event& event) {
  auto payload = nlohmann::json::parse(event.payload, nullptr, false);
  if (payload.is_discarded() || !payload.is_object()) {
    return Status::invalid_argument("event " + event.type + " has a payload that is not a JSON object");
  }
  StoredEvent stored;
  stored.id = new_id("e");
  stored.time = format_rfc3339(clock_.now());
  stored.event = event;
  stored.event.payload = payload.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  Status status = db_.in_transaction([&]() -> Status {
    Statement last(db_.handle(), "SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1");
    if (!last.ok()) return last.error();
    Status step_status;
    if (last.step(&step_status)) {
      stored.seq = last.integer(0) + 1;
      stored.prev_hash = last.text(1);
    } else {
      CORRAL_RETURN_IF_ERROR(step_status);
      stored.seq = 1;
      stored.prev_hash = kGenesisHash;
    }
    stored.hash = chain_hash(stored);
    Statement insert(db_.handle(),
                     "INSERT INTO events(seq, id, time, type, task_id, run_id, repo_id, agent, "
                     "correlation_id, payload, prev_hash, hash) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)");
    if (!insert.ok()) return insert.error();
    insert.bind(1, stored.seq).bind(2, stored.id).bind(3, stored.time).bind(4, event.type);
    insert.bind(5, event.task_id).bind(6, event.run_id).bind(7, event.repo_id).bind(8, event.agent);
    insert.bind(9, event.correlation_id).bind(10, stored.event.payload);
    insert.bind(11, stored.prev_hash).bind(12, stored.hash);
    return insert.run();
  });
  if (!status.is_ok()) return status.with_context("recording event " + event.type);
  if (on_append_) on_append_(stored);
  return stored;
}

Result<std::vector<StoredEvent>> EventLog::after(int64_t seq, const Filter& filter, int limit) {
  Statement query(db_.handle(), std::string(kSelectColumns) +
                                    "WHERE seq > ? AND (? = '' OR task_id = ?) AND (? = '' OR repo_id = ?) "
                                    "AND (? = '' OR type = ? OR (substr(?, -1) = '.' AND type LIKE ? || '%')) "
                                    "ORDER BY seq LIMIT ?");
  if (!query.ok()) return query.error();
  query.bind(1, seq).bind(2, filter.task_id).bind(3, filter.task_id).bind(4, filter.repo_id).bind(5, filter.repo_id);
  query.bind(6, filter.type).bind(7, filter.type).bind(8, filter.type).bind(9, filter.type);
  query.bind(10, static_cast<int64_t>(limit));
  std::vector<StoredEvent> events;
  Status status;
  while (query.step(&status)) events.push_back(read_row(query));
  if (!status.is_ok()) return status;
  return events;
}

Result<int64_t> EventLog::last_seq() {
  Statement query(db_.handle(), "SELECT COALESCE(MAX(seq), 0) FROM events");
  if (!query.ok()) return query.error();
  Status status;
  if (!query.step(&status)) return status;
  return query.integer(0);
}

Result<std::vector<StoredEvent>> EventLog::for_task(const std::string& task_id) {
  Statement query(db_.handle(), std::string(kSelectColumns) + "WHERE task_id = ? ORDER BY seq");
  if (!query.ok()) return query.error();
  query.bind(1, task_id);
  std::vector<StoredEvent> events;
  Status status;
  while (query.step(&status)) events.push_back(read_row(query));
  if (!status.is_ok()) return status;
  return events;
}

Result<std::optional<StoredEvent>> EventLog::last_of_type(const std::string& task_id, const std::string& type) {
  Statement query(db_.handle(),
                  std::string(kSelectColumns) + "WHERE task_id = ? AND type = ? ORDER BY seq DESC LIMIT 1");
  query.bind(1, task_id).bind(2, type);
  return query_one<StoredEvent>(query, read_row);
}

Result<int64_t> EventLog::first_seq_since(const std::string& time) {
  // Times grow with seq (one writer stamps both), so the first match is found by seq.
  Statement select(db_.handle(), "SELECT seq FROM events WHERE time >= ? ORDER BY seq LIMIT 1");
  select.bind(1, time);
  auto found = query_one<int64_t>(select, [](const Statement& row) { return row.integer(0); });
  if (!found.is_ok()) return found.status();
  if (*found) return **found;
  CORRAL_ASSIGN_OR_RETURN(int64_t last, last_seq());
  return last + 1;
}

Result<ChainReport> EventLog::verify() { return verify_part(0, kGenesisHash, 0); }

Result<ChainReport> EventLog::verify_part(int64_t after_seq, const std::string& prev_hash, int limit) {
  Statement query(db_.handle(), std::string(kSelectColumns) + "WHERE seq > ? ORDER BY seq LIMIT ?");
  if (!query.ok()) return query.error();
  query.bind(1, after_seq).bind(2, limit > 0 ? static_cast<int64_t>(limit) : int64_t{-1});
  ChainReport report;
  report.last_seq = after_seq;
  report.head_hash = prev_hash;
  std::string expected_prev = prev_hash;
  int64_t expected_seq = after_seq + 1;
  Status status;
  while (query.step(&status)) {
    StoredEvent stored = read_row(query);
    ++report.events_checked;
    std::string problem;
    if (stored.seq != expected_seq) {
      problem = "sequence jumps from " + std::to_string(expected_seq - 1) + " to " + std::to_string(stored.seq) +
                " (rows deleted or inserted)";
    } else if (stored.prev_hash != expected_prev) {
      problem = "prev_hash does not match the hash of event " + std::to_string(stored.seq - 1);
    } else if (chain_hash(stored) != stored.hash) {
      problem = "content does not match its hash (row altered)";
    }
    if (!problem.empty()) {
      report.intact = false;
      report.first_broken_seq = stored.seq;
      report.problem = problem;
      return report;
    }
    expected_prev = stored.hash;
    expected_seq = stored.seq + 1;
    report.head_hash = stored.hash;
    report.last_seq = stored.seq;
  }
  if (!status.is_ok()) return status;
  return report;
}

}  // namespace corral::store
