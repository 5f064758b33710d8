// Every version of a repository's settings: who made it, when, the change,
// why, and the whole settings it left (so any version can be restored as it
// was). Numbered from 1 per repository; a rollback is a new version that
// names the one it restored. Versions are never changed or deleted.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "store/database.h"

namespace corral::store {

struct SettingsVersion {
  std::string repo_id;
  int64_t version = 0;
  std::string settings;  // the whole settings, as stored JSON
  std::string change;    // what was asked (JSON; "" for the first, the settings before history began)
  std::string changed_by;
  std::string reason;
  int64_t restored = 0;  // the version a rollback restored; 0 otherwise
  std::string at;        // RFC 3339
};

class SettingsHistory {
 public:
  SettingsHistory(Database& db, const Clock& clock) : db_(db), clock_(clock) {}

  // Appends the next version (its number and time are set here and returned).
  Result<SettingsVersion> append(SettingsVersion version);
  // Oldest first.
  Result<std::vector<SettingsVersion>> of_repo(const std::string& repo_id);
  Result<std::optional<SettingsVersion>> find(const std::string& repo_id, int64_t version);

 private:
  Database& db_;
  const Clock& clock_;
};

}  // namespace corral::store
