// Alerts through the API: listed and shown to those who may read their
// repository (global alerts: unscoped readers), acknowledged and resolved by
// its owners (who, when, why; an alert.acknowledged or alert.resolved event);
// and the webhook destinations: global ones by admins, a repository's by its
// owners, never showing a secret (only its reference), tested on demand.
#pragma once

#include <nlohmann/json_fwd.hpp>

#include <string>

#include "policy/access.h"
#include "store/store.h"

namespace corral::api {

class AlertDesk {
 public:
  explicit AlertDesk(store::Store& store) : store_(store) {}

  // {"alerts": [...]}, newest first (alerts/alert_json.h). A scoped caller
  // sees its repository's alone.
  Result<nlohmann::json> list(const policy::Caller& caller, store::AlertFilter filter);
  // The alert and its deliveries.
  Result<nlohmann::json> show(const policy::Caller& caller, const std::string& id);
  // body {"note": WHY}; `resolve` false: acknowledge.
  Result<nlohmann::json> settle(const policy::Caller& caller, const std::string& id, const nlohmann::json& body,
                                bool resolve);

  // {"destinations": [...]}: the global ones and those of repositories the caller may read.
  Result<nlohmann::json> destinations(const policy::Caller& caller);
  // body {"name", "format", "url", "secret", "chat_id", "rules": [...], "min_severity", "repo"}
  // (`repo_id`: "repo" resolved, "" for a global destination).
  Result<nlohmann::json> add_destination(const policy::Caller& caller, const nlohmann::json& body,
                                         const std::string& repo_id);
  Result<nlohmann::json> remove_destination(const policy::Caller& caller, const std::string& name);
  // Sends a test alert now and says how it went: {"destination", "delivered", "error"}.
  Result<nlohmann::json> test_destination(const policy::Caller& caller, const std::string& name);

 private:
  Result<store::AlertDestination> destination_to_manage(const policy::Caller& caller, const std::string& name);

  store::Store& store_;
};

}  // namespace corral::api
