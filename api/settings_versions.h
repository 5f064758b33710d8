// How a repository's settings change, and their history: every change (an
// owner's, or a rollback) stores the new settings, the next numbered version
// (store/settings_history.h) and a policy.changed event, in one transaction.
// The first change of a repository without history records the settings it
// had before as version 1, so that they too can be restored.
#pragma once

#include <nlohmann/json.hpp>

#include <string>

#include "policy/access.h"
#include "settings/repo_settings.h"
#include "store/store.h"

namespace corral::api {

struct SettingsChange {
  nlohmann::json change;  // what was asked
  std::string by;
  std::string reason;
  int64_t restored = 0;  // a rollback: the version it restores
};

// Call inside store.with(); all or nothing.
Result<store::SettingsVersion> apply_settings(store::Transaction& store, const store::RepoRecord& repo,
                                              const settings::RepoSettings& before, const settings::RepoSettings& after,
                                              const SettingsChange& change);

// Version `number`'s settings (not_found naming it); the caller checked access.
Result<settings::RepoSettings> settings_of_version(store::Transaction& store, const std::string& repo_id,
                                                   int64_t number);

class SettingsVersionsDesk {
 public:
  explicit SettingsVersionsDesk(store::Store& store) : store_(store) {}

  // {"repo", "versions": [{"version", "at", "changed_by", "reason", "change", "restored", "settings"}]}:
  // readers of the repository.
  Result<nlohmann::json> history(const policy::Caller& caller, const std::string& repo_id);
  // body {"version": N, "reason": WHY}: version N's settings, exactly, as a new
  // version (policy.changed, then policy.rolled_back). Owners; reason required.
  Result<nlohmann::json> rollback(const policy::Caller& caller, const std::string& repo_id, const nlohmann::json& body);

 private:
  store::Store& store_;
};

}  // namespace corral::api
