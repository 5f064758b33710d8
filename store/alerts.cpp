#include "store/alerts.h"

#include "store/statement.h"

namespace corral::store {
namespace {

constexpr const char* kColumns =
    "id, seq, rule, severity, repo_id, task_id, agent, subject, summary, facts, state, raised_at, acked_by, acked_at, "
    "ack_note, resolved_by, resolved_at, resolve_note, raised_ms";

AlertRecord read_alert(const Statement& row) {
  AlertRecord alert;
  alert.id = row.text(0);
  alert.seq = row.integer(1);
  alert.rule = row.text(2);
  alert.severity = row.text(3);
  alert.repo_id = row.text(4);
  alert.task_id = row.text(5);
  alert.agent = row.text(6);
  alert.subject = row.text(7);
  alert.summary = row.text(8);
  alert.facts = row.text(9);
  alert.state = row.text(10);
  alert.raised_at = row.text(11);
  alert.acked_by = row.text(12);
  alert.acked_at = row.text(13);
  alert.ack_note = row.text(14);
  alert.resolved_by = row.text(15);
  alert.resolved_at = row.text(16);
  alert.resolve_note = row.text(17);
  alert.raised_ms = row.integer(18);
  return alert;
}

}  // namespace

Status Alerts::insert(AlertRecord& alert) {
  Statement insert(db_.handle(),
                   "INSERT INTO alerts(id, seq, rule, severity, repo_id, task_id, agent, subject, summary, facts, "
                   "state, raised_at, raised_ms) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)");
  insert.bind(1, alert.id).bind(2, alert.seq).bind(3, alert.rule).bind(4, alert.severity);
  insert.bind(5, alert.repo_id).bind(6, alert.task_id).bind(7, alert.agent).bind(8, alert.subject);
  insert.bind(9, alert.summary).bind(10, alert.facts).bind(11, alert.state);
  TimePoint now = clock_.now();
  insert.bind(12, format_rfc3339(now));
  insert.bind(13, epoch_ms(now));
  CORRAL_RETURN_IF_ERROR(insert.run().with_context("saving an alert"));
  alert.raised_at = format_rfc3339(now);
  alert.raised_ms = epoch_ms(now);
  return Status::ok();
}

Result<std::optional<AlertRecord>> Alerts::find(const std::string& id) {
  Statement select(db_.handle(), std::string("SELECT ") + kColumns + " FROM alerts WHERE id = ?");
  select.bind(1, id);
  return query_one<AlertRecord>(select, read_alert);
}

Result<std::vector<AlertRecord>> Alerts::list(const AlertFilter& filter) {
  Statement select(db_.handle(), std::string("SELECT ") + kColumns +
                                     " FROM alerts WHERE (?1 = '' OR state = ?1) AND (?2 = '' OR repo_id = ?2) "
                                     "AND (?3 = '' OR rule = ?3) AND (?4 = '' OR severity = ?4) "
                                     "AND (?5 = 0 OR seq < ?5) ORDER BY seq DESC LIMIT ?6");
  select.bind(1, filter.state).bind(2, filter.repo_id).bind(3, filter.rule).bind(4, filter.severity);
  select.bind(5, filter.before_seq).bind(6, static_cast<int64_t>(filter.limit));
  return query_all<AlertRecord>(select, read_alert);
}

Result<AlertRecord> Alerts::change(const std::string& id, const char* state, const std::string& by,
                                   const std::string& note) {
  auto found = find(id);
  if (!found.is_ok()) return found.status();
  if (!*found) return Status::not_found("no alert " + id);
  AlertRecord alert = **found;
  if (alert.state == alert_state::kResolved)
    return Status::failed_precondition("alert " + id + " is resolved already (by " + alert.resolved_by + ")");
  if (alert.state == state)
    return Status::failed_precondition("alert " + id + " is acknowledged already (by " + alert.acked_by + ")");
  std::string now = format_rfc3339(clock_.now());
  bool resolving = std::string(state) == alert_state::kResolved;
  Statement update(db_.handle(),
                   resolving ? "UPDATE alerts SET state = ?, resolved_by = ?, resolved_at = ?, resolve_note = ? "
                               "WHERE id = ?"
                             : "UPDATE alerts SET state = ?, acked_by = ?, acked_at = ?, ack_note = ? "
                               "WHERE id = ?");
  update.bind(1, state).bind(2, by).bind(3, now).bind(4, note).bind(5, id);
  CORRAL_RETURN_IF_ERROR(update.run().with_context("changing an alert"));
  alert.state = state;
  (resolving ? alert.resolved_by : alert.acked_by) = by;
  (resolving ? alert.resolved_at : alert.acked_at) = now;
  (resolving ? alert.resolve_note : alert.ack_note) = note;
  return alert;
}

Result<AlertRecord> Alerts::acknowledge(const std::string& id, const std::string& by, const std::string& note) {
  return change(id, alert_state::kAcknowledged, by, note);
}

Result<AlertRecord> Alerts::resolve(const std::string& id, const std::string& by, const std::string& note) {
  return change(id, alert_state::kResolved, by, note);
}

Result<std::optional<int64_t>> Alerts::last_raised_ms(const std::string& rule, const std::string& subject) {
  Statement select(db_.handle(),
                   "SELECT raised_ms FROM alerts WHERE rule = ? AND subject = ? ORDER BY seq DESC LIMIT 1");
  select.bind(1, rule).bind(2, subject);
  return query_one<int64_t>(select, [](const Statement& row) { return row.integer(0); });
}

Result<std::vector<std::pair<std::string, int64_t>>> Alerts::count_by_state() {
  Statement select(db_.handle(), "SELECT state, COUNT(*) FROM alerts GROUP BY state ORDER BY state");
  return query_all<std::pair<std::string, int64_t>>(
      select, [](const Statement& row) { return std::pair(row.text(0), row.integer(1)); });
}

Result<bool> Alerts::first_use_of_tool(const std::string& repo_id, const std::string& tool, const std::string& run_id) {
  Statement insert(db_.handle(), "INSERT OR IGNORE INTO alert_tools_seen(repo_id, tool, first_run) VALUES (?,?,?)");
  insert.bind(1, repo_id).bind(2, tool).bind(3, run_id);
  CORRAL_RETURN_IF_ERROR(insert.run());
  if (db_.changes() == 0) return false;
  Statement others(db_.handle(), "SELECT 1 FROM alert_tools_seen WHERE repo_id = ? AND first_run != ? LIMIT 1");
  others.bind(1, repo_id).bind(2, run_id);
  auto found = query_one<int64_t>(others, [](const Statement& row) { return row.integer(0); });
  if (!found.is_ok()) return found.status();
  return found->has_value();
}

Result<std::optional<AlertCursor>> Alerts::stored_cursor() {
  Statement select(db_.handle(), "SELECT seq, hash FROM alert_cursor WHERE id = 1");
  return query_one<AlertCursor>(select, [](const Statement& row) { return AlertCursor{row.integer(0), row.text(1)}; });
}

Result<AlertCursor> Alerts::cursor() {
  CORRAL_ASSIGN_OR_RETURN(auto found, stored_cursor());
  return found.value_or(AlertCursor{});
}

Status Alerts::set_cursor(const AlertCursor& cursor) {
  Statement upsert(db_.handle(),
                   "INSERT INTO alert_cursor(id, seq, hash) VALUES (1, ?, ?) "
                   "ON CONFLICT(id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash");
  upsert.bind(1, cursor.seq).bind(2, cursor.hash);
  return upsert.run().with_context("saving the alert rules' place in the log");
}

}  // namespace corral::store
