#include "api/alert_desk.h"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "alerts/alert_json.h"
#include "alerts/courier.h"
#include "alerts/raised_alert.h"
#include "alerts/webhook_request.h"
#include "core/json_fields.h"
#include "settings/alert_settings.h"
#include "store/event_record.h"

namespace corral::api {
namespace {

using json = nlohmann::json;

constexpr std::chrono::milliseconds kTestTimeout{10000};

json destination_json(const store::AlertDestination& destination) {
  return {{"name", destination.name},
          {"repo", destination.repo_id},
          {"format", destination.format},
          {"url", destination.url},
          {"secret", destination.secret},
          {"chat_id", destination.chat_id},
          {"rules", destination.rules},
          {"min_severity", destination.min_severity},
          {"healthy", destination.healthy},
          {"last_error", destination.last_error},
          {"created_by", destination.created_by},
          {"created_at", destination.created_at}};
}

json delivery_json(const store::Delivery& delivery) {
  return {{"id", delivery.id},
          {"destination", delivery.destination},
          {"state", delivery.state},
          {"attempts", delivery.attempts},
          {"last_error", delivery.last_error},
          {"created_at", delivery.created_at},
          {"finished_at", delivery.finished_at}};
}

// Global destinations are the admins'; a repository's, its owners'.
Status check_manage(const policy::Caller& caller, const std::string& repo_id) {
  if (repo_id.empty() && caller.role != "admin")
    return Status::permission_denied("only an admin may manage global alert destinations");
  return policy::check_access(caller, policy::Action::kManageRepo, repo_id);
}

}  // namespace

Result<json> AlertDesk::list(const policy::Caller& caller, store::AlertFilter filter) {
  if (caller.repo_scope != "*") {
    if (!filter.repo_id.empty() && filter.repo_id != caller.repo_scope)
      return Status::permission_denied(caller.name + " may not read " + filter.repo_id);
    filter.repo_id = caller.repo_scope;
  }
  CORRAL_RETURN_IF_ERROR(policy::check_access(caller, policy::Action::kRead, filter.repo_id));
  if (!filter.state.empty() && filter.state != store::alert_state::kOpen &&
      filter.state != store::alert_state::kAcknowledged && filter.state != store::alert_state::kResolved)
    return Status::invalid_argument("state '" + filter.state + "' is not one of open, acknowledged, resolved");
  if (!filter.severity.empty() && alerts::severity_rank(filter.severity) < 0)
    return Status::invalid_argument("severity '" + filter.severity + "' is not one of info, warning, critical");
  if (!filter.rule.empty() &&
      std::find(settings::kAlertRules.begin(), settings::kAlertRules.end(), filter.rule) == settings::kAlertRules.end())
    return Status::invalid_argument("'" + filter.rule + "' is not an alert rule");
  auto tx = store_.lock();
  CORRAL_ASSIGN_OR_RETURN(auto found, tx.alerts.list(filter));
  json out = {{"alerts", json::array()}};
  for (const auto& alert : found) out["alerts"].push_back(alerts::alert_json(alert));
  return out;
}

Result<json> AlertDesk::show(const policy::Caller& caller, const std::string& id) {
  auto tx = store_.lock();
  CORRAL_ASSIGN_OR_RETURN(auto alert, tx.alerts.find(id));
  // One answer whether it is missing or not the caller's: no probing for ids.
  if (!alert || !policy::check_access(caller, policy::Action::kRead, alert->repo_id).is_ok())
    return Status::not_found("no alert " + id);
  CORRAL_ASSIGN_OR_RETURN(auto deliveries, tx.outbox.of_alert(id));
  json out = alerts::alert_json(*alert);
  out["deliveries"] = json::array();
  for (const auto& delivery : deliveries) out["deliveries"].push_back(delivery_json(delivery));
  return out;
}

Result<json> AlertDesk::settle(const policy::Caller& caller, const std::string& id, const json& body, bool resolve) {
  CORRAL_RETURN_IF_ERROR(check_fields(body, {{"note", FieldType::kString, true}}, "the alert's note"));
  std::string note = body["note"];
  if (note.find_first_not_of(" \t\r\n") == std::string::npos)
    return Status::invalid_argument(std::string("say why in 'note' when you ") + (resolve ? "resolve" : "acknowledge") +
                                    " an alert");
  return store_.with([&](store::Transaction& tx) -> Result<json> {
    CORRAL_ASSIGN_OR_RETURN(auto alert, tx.alerts.find(id));
    if (!alert || !policy::check_access(caller, policy::Action::kRead, alert->repo_id).is_ok())
      return Status::not_found("no alert " + id);
    CORRAL_RETURN_IF_ERROR(policy::check_access(caller, policy::Action::kManageRepo, alert->repo_id));
    store::AlertRecord settled;
    Status status = tx.atomically([&]() -> Status {
      auto changed = resolve ? tx.alerts.resolve(id, caller.name, note) : tx.alerts.acknowledge(id, caller.name, note);
      if (!changed.is_ok()) return changed.status();
      settled = *changed;
      return store::RepoEvent(resolve ? "alert.resolved" : "alert.acknowledged", alert->repo_id)
          .payload({{"alert", id}, {"rule", alert->rule}, {"by", caller.name}, {"note", note}})
          .record(tx.events);
    });
    if (!status.is_ok()) return status;
    return alerts::alert_json(settled);
  });
}

Result<json> AlertDesk::destinations(const policy::Caller& caller) {
  CORRAL_RETURN_IF_ERROR(
      policy::check_access(caller, policy::Action::kRead, caller.repo_scope == "*" ? "" : caller.repo_scope));
  auto tx = store_.lock();
  CORRAL_ASSIGN_OR_RETURN(auto all, tx.outbox.destinations());
  json out = {{"destinations", json::array()}};
  for (const auto& destination : all) {
    if (!destination.repo_id.empty() &&
        !policy::check_access(caller, policy::Action::kRead, destination.repo_id).is_ok())
      continue;
    out["destinations"].push_back(destination_json(destination));
  }
  return out;
}

Result<json> AlertDesk::add_destination(const policy::Caller& caller, const json& body, const std::string& repo_id) {
  CORRAL_RETURN_IF_ERROR(check_fields(body,
                                      {{"name", FieldType::kString, true},
                                       {"format", FieldType::kString, true},
                                       {"url", FieldType::kString},
                                       {"secret", FieldType::kString},
                                       {"chat_id", FieldType::kString},
                                       {"rules", FieldType::kStringArray},
                                       {"min_severity", FieldType::kString},
                                       {"repo", FieldType::kString}},
                                      "the alert destination"));
  CORRAL_RETURN_IF_ERROR(check_manage(caller, repo_id));
  store::AlertDestination destination;
  destination.name = body["name"];
  destination.repo_id = repo_id;
  destination.format = body["format"];
  destination.url = body.value("url", "");
  destination.secret = body.value("secret", "");
  destination.chat_id = body.value("chat_id", "");
  destination.rules = body.value("rules", std::vector<std::string>{});
  destination.min_severity = body.value("min_severity", "info");
  destination.created_by = caller.name;
  CORRAL_RETURN_IF_ERROR(alerts::check_destination(destination));
  for (const std::string& rule : destination.rules)
    if (std::find(settings::kAlertRules.begin(), settings::kAlertRules.end(), rule) == settings::kAlertRules.end())
      return Status::invalid_argument("'rules' holds '" + rule + "', which is not an alert rule");
  if (alerts::severity_rank(destination.min_severity) < 0)
    return Status::invalid_argument("'min_severity' must be info, warning or critical");
  return store_.with([&](store::Transaction& tx) -> Result<json> {
    CORRAL_RETURN_IF_ERROR(tx.outbox.add_destination(destination));
    CORRAL_ASSIGN_OR_RETURN(auto saved, tx.outbox.destination(destination.name));
    return destination_json(*saved);
  });
}

Result<store::AlertDestination> AlertDesk::destination_to_manage(const policy::Caller& caller,
                                                                 const std::string& name) {
  auto tx = store_.lock();
  CORRAL_ASSIGN_OR_RETURN(auto found, tx.outbox.destination(name));
  if (!found || !policy::check_access(caller, policy::Action::kRead, found->repo_id).is_ok())
    return Status::not_found("no alert destination named " + name);
  CORRAL_RETURN_IF_ERROR(check_manage(caller, found->repo_id));
  return *found;
}

Result<json> AlertDesk::remove_destination(const policy::Caller& caller, const std::string& name) {
  CORRAL_RETURN_IF_ERROR(destination_to_manage(caller, name).status());
  return store_.with([&](store::Transaction& tx) -> Result<json> {
    CORRAL_RETURN_IF_ERROR(tx.atomically([&] { return tx.outbox.remove_destination(name); }));
    return json{{"removed", name}};
  });
}

Result<json> AlertDesk::test_destination(const policy::Caller& caller, const std::string& name) {
  CORRAL_ASSIGN_OR_RETURN(store::AlertDestination destination, destination_to_manage(caller, name));
  store::AlertRecord test;
  test.id = "test";
  test.rule = "test";
  test.severity = alerts::severity::kInfo;
  test.repo_id = destination.repo_id;
  test.summary = "a test of this destination, sent by " + caller.name + " (corral alert test)";
  test.raised_at = format_rfc3339(store_.clock().now());
  std::string delivery = "test-" + std::to_string(epoch_ms(store_.clock().now()));
  // Sent from this request's worker, outside the store's lock.
  auto request = alerts::webhook_request(destination, test, delivery, store_.clock().now());
  Status sent = request.is_ok() ? alerts::send_webhook(*request, kTestTimeout) : request.status();
  return json{{"destination", name}, {"delivered", sent.is_ok()}, {"error", sent.is_ok() ? "" : sent.message()}};
}

}  // namespace corral::api
