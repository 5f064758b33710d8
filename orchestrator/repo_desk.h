// A repository's settings for the people who own it: read them (with the
// tier's limits in force), change them (owners and admins; each change is a
// policy.changed event with the values before and after).
#pragma once

#include <nlohmann/json_fwd.hpp>

#include <string>

#include "orchestrator/access.h"
#include "orchestrator/service.h"

namespace corral::orchestrator {

class RepoDesk {
 public:
  explicit RepoDesk(Service& service) : service_(service) {}

  // {"id", "path", "settings", "limits"} (limits: the tier's, overrides applied).
  Result<nlohmann::json> show(const Caller& caller, const std::string& repo_id);
  // body: the settings to change (null resets one); invalid settings change nothing.
  Result<nlohmann::json> change(const Caller& caller, const std::string& repo_id, const nlohmann::json& body);
  // Replays the repository's real outcomes under its settings with `body`'s
  // changes applied, beside the settings in force: how the tier would have
  // moved and what each task would have been granted. Changes nothing.
  Result<nlohmann::json> simulate(const Caller& caller, const std::string& repo_id, const nlohmann::json& body);

 private:
  Service& service_;
};

}  // namespace corral::orchestrator
