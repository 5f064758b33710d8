// Kill switches through the API (store/kill_switches.h): turned on or off,
// with a reason, by admins (global, or an agent profile) and by owners
// (their repository). Each change is a killswitch.changed event and an
// alert; the scheduler stops what a switch covers on its next pass.
#pragma once

#include <nlohmann/json_fwd.hpp>

#include <string>

#include "policy/access.h"
#include "store/store.h"

namespace corral::api {

class KillSwitchDesk {
 public:
  explicit KillSwitchDesk(store::Store& store) : store_(store) {}

  // {"switches": [{"scope", "on", "by", "reason", "at"}]}: the global and
  // agent switches, and those of the repositories the caller may read.
  Result<nlohmann::json> list(const policy::Caller& caller);
  // body {"on": bool, "reason": WHY, "repo": ID (resolved) | "agent": PROFILE
  // | neither for global, "hold_merges": bool (approved work waits too)}.
  // Refusals change nothing.
  Result<nlohmann::json> set(const policy::Caller& caller, const nlohmann::json& body, const std::string& repo_id);

 private:
  store::Store& store_;
};

}  // namespace corral::api
