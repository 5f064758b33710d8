// A repository's settings for the people who own it: read them (with the
// tier's limits in force), change them (owners and admins; each change is a
// numbered version and a policy.changed event with the values before and
// after: settings_versions.h), simulate a change, and the KPIs over time.
#pragma once

#include <nlohmann/json_fwd.hpp>

#include <string>

#include "core/data_layout.h"
#include "policy/access.h"
#include "store/store.h"

namespace corral::api {

class RepoDesk {
 public:
  RepoDesk(store::Store& store, DataLayout layout) : store_(store), layout_(std::move(layout)) {}

  // {"id", "path", "settings", "limits"} (limits: the tier's, overrides applied).
  Result<nlohmann::json> show(const policy::Caller& caller, const std::string& repo_id);
  // body: the settings to change (null resets one); invalid settings change
  // nothing. Each change is a new settings version (settings_versions.h).
  Result<nlohmann::json> change(const policy::Caller& caller, const std::string& repo_id, const nlohmann::json& body,
                                const std::string& reason);
  // Replays the repository's real outcomes under its settings with `body`'s
  // changes applied, beside the settings in force: how the tier would have
  // moved and what each task would have been granted. Changes nothing.
  // `version` (0: none): the changes apply to that settings version instead
  // of the settings in force.
  Result<nlohmann::json> simulate(const policy::Caller& caller, const std::string& repo_id, const nlohmann::json& body,
                                  int64_t version = 0);
  // The tool calls and egress requests of the last `days` days decided again
  // with `body`'s changes applied to the settings in force
  // (admission/policy_replay.h): {"repo", "since", "tool_calls",
  // "egress_requests", "changes": {"allowed -> blocked": N}, "changed": [...],
  // "truncated"}. Readers of the repository; changes nothing.
  Result<nlohmann::json> replay_policy(const policy::Caller& caller, const std::string& repo_id,
                                       const nlohmann::json& body, int days);
  // The KPIs over time (routing/kpi_history.h): {"repo", "outcomes", "series":
  // {"": [points], AGENT: [points]}, "recent": the last 20 outcomes}, each
  // point {"time", KPIs...}; "" is the whole repository. Readers of the repository.
  Result<nlohmann::json> kpi_history(const policy::Caller& caller, const std::string& repo_id);

 private:
  store::Store& store_;
  DataLayout layout_;
};

}  // namespace corral::api
