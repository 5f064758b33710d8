#include "store/alert_outbox.h"

#include <nlohmann/json.hpp>

#include "core/ids.h"
#include "store/statement.h"

namespace corral::store {
namespace {

AlertDestination read_destination(const Statement& row) {
  AlertDestination destination;
  destination.name = row.text(0);
  destination.repo_id = row.text(1);
  destination.format = row.text(2);
  destination.url = row.text(3);
  destination.secret = row.text(4);
  destination.chat_id = row.text(5);
  auto rules = nlohmann::json::parse(row.text(6), nullptr, false);
  if (rules.is_array())
    for (const auto& rule : rules)
      if (rule.is_string()) destination.rules.push_back(rule.get<std::string>());
  destination.min_severity = row.text(7);
  destination.healthy = row.integer(8) != 0;
  destination.last_error = row.text(9);
  destination.created_by = row.text(10);
  destination.created_at = row.text(11);
  return destination;
}

constexpr const char* kDestinationColumns =
    "name, repo_id, format, url, secret, chat_id, rules, min_severity, healthy, last_error, created_by, created_at";

Delivery read_delivery(const Statement& row) {
  return {row.text(0),    row.text(1), row.text(2), row.text(3), static_cast<int>(row.integer(4)),
          row.integer(5), row.text(6), row.text(7), row.text(8)};
}

constexpr const char* kDeliveryColumns =
    "id, alert_id, destination, state, attempts, next_attempt_ms, last_error, created_at, finished_at";

}  // namespace

Status AlertOutbox::add_destination(AlertDestination destination) {
  auto existing = this->destination(destination.name);
  if (!existing.is_ok()) return existing.status();
  if (*existing) return Status::already_exists("there is a destination named " + destination.name + " already");
  Statement insert(db_.handle(), std::string("INSERT INTO alert_destinations(") + kDestinationColumns +
                                     ") VALUES (?,?,?,?,?,?,?,?,1,'',?,?)");
  insert.bind(1, destination.name).bind(2, destination.repo_id).bind(3, destination.format);
  insert.bind(4, destination.url).bind(5, destination.secret).bind(6, destination.chat_id);
  insert.bind(7, nlohmann::json(destination.rules).dump()).bind(8, destination.min_severity);
  insert.bind(9, destination.created_by).bind(10, format_rfc3339(clock_.now()));
  return insert.run().with_context("saving an alert destination");
}

Status AlertOutbox::remove_destination(const std::string& name) {
  auto existing = destination(name);
  if (!existing.is_ok()) return existing.status();
  if (!*existing) return Status::not_found("no alert destination named " + name);
  Statement fail(db_.handle(),
                 "UPDATE alert_deliveries SET state = 'failed', last_error = 'the destination was removed', "
                 "finished_at = ? WHERE destination = ? AND state = 'pending'");
  fail.bind(1, format_rfc3339(clock_.now())).bind(2, name);
  CORRAL_RETURN_IF_ERROR(fail.run());
  Statement remove(db_.handle(), "DELETE FROM alert_destinations WHERE name = ?");
  remove.bind(1, name);
  return remove.run().with_context("removing an alert destination");
}

Result<std::optional<AlertDestination>> AlertOutbox::destination(const std::string& name) {
  Statement select(db_.handle(),
                   std::string("SELECT ") + kDestinationColumns + " FROM alert_destinations WHERE name = ?");
  select.bind(1, name);
  return query_one<AlertDestination>(select, read_destination);
}

Result<std::vector<AlertDestination>> AlertOutbox::destinations() {
  Statement select(db_.handle(),
                   std::string("SELECT ") + kDestinationColumns + " FROM alert_destinations ORDER BY name");
  return query_all<AlertDestination>(select, read_destination);
}

Status AlertOutbox::set_health(const std::string& name, bool healthy, const std::string& error) {
  Statement update(db_.handle(), "UPDATE alert_destinations SET healthy = ?, last_error = ? WHERE name = ?");
  update.bind(1, static_cast<int64_t>(healthy)).bind(2, error).bind(3, name);
  return update.run();
}

Status AlertOutbox::enqueue(const std::string& alert_id, const std::string& destination) {
  Statement insert(db_.handle(),
                   "INSERT INTO alert_deliveries(id, alert_id, destination, next_attempt_ms, created_at) "
                   "VALUES (?,?,?,?,?)");
  TimePoint now = clock_.now();
  insert.bind(1, new_id("dlv")).bind(2, alert_id).bind(3, destination).bind(4, epoch_ms(now));
  insert.bind(5, format_rfc3339(now));
  return insert.run().with_context("queueing an alert's delivery");
}

Result<std::vector<Delivery>> AlertOutbox::due(int64_t now_ms, int limit) {
  Statement select(db_.handle(), std::string("SELECT ") + kDeliveryColumns +
                                     " FROM alert_deliveries WHERE state = 'pending' AND next_attempt_ms <= ? "
                                     "ORDER BY next_attempt_ms LIMIT ?");
  select.bind(1, now_ms).bind(2, static_cast<int64_t>(limit));
  return query_all<Delivery>(select, read_delivery);
}

Result<std::optional<int64_t>> AlertOutbox::next_due_ms() {
  Statement select(db_.handle(), "SELECT MIN(next_attempt_ms) FROM alert_deliveries WHERE state = 'pending'");
  auto next = query_one<std::optional<int64_t>>(select, [](const Statement& row) {
    return row.is_null(0) ? std::optional<int64_t>() : std::optional<int64_t>(row.integer(0));
  });
  if (!next.is_ok()) return next.status();
  return next->value_or(std::nullopt);
}

Result<std::vector<Delivery>> AlertOutbox::of_alert(const std::string& alert_id) {
  Statement select(db_.handle(), std::string("SELECT ") + kDeliveryColumns +
                                     " FROM alert_deliveries WHERE alert_id = ? ORDER BY destination");
  select.bind(1, alert_id);
  return query_all<Delivery>(select, read_delivery);
}

Status AlertOutbox::finish(const std::string& id, const char* state, int attempts, const std::string& error) {
  Statement update(db_.handle(),
                   "UPDATE alert_deliveries SET state = ?, attempts = ?, last_error = ?, finished_at = ? WHERE id = ?");
  update.bind(1, state).bind(2, static_cast<int64_t>(attempts)).bind(3, error);
  update.bind(4, format_rfc3339(clock_.now())).bind(5, id);
  return update.run().with_context("recording an alert's delivery");
}

Status AlertOutbox::delivered(const std::string& id, int attempts) {
  return finish(id, delivery_state::kDelivered, attempts, "");
}

Status AlertOutbox::failed(const std::string& id, int attempts, const std::string& error) {
  return finish(id, delivery_state::kFailed, attempts, error);
}

Status AlertOutbox::retry_at(const std::string& id, int attempts, int64_t retry_ms, const std::string& error) {
  Statement update(db_.handle(),
                   "UPDATE alert_deliveries SET attempts = ?, next_attempt_ms = ?, last_error = ? WHERE id = ?");
  update.bind(1, static_cast<int64_t>(attempts)).bind(2, retry_ms).bind(3, error).bind(4, id);
  return update.run().with_context("recording an alert's delivery");
}

Result<int64_t> AlertOutbox::depth() {
  Statement select(db_.handle(), "SELECT COUNT(*) FROM alert_deliveries WHERE state = 'pending'");
  auto count = query_one<int64_t>(select, [](const Statement& row) { return row.integer(0); });
  if (!count.is_ok()) return count.status();
  return count->value_or(0);
}

}  // namespace corral::store
