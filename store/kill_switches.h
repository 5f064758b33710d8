// Kill switches: an emergency stop for everything, for one repository, or
// for one agent profile. While one is on, no run starts under it and the
// runs it covers are stopped (the scheduler's); each change is kept with who
// and why. Survives restarts: it is a row here.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "store/database.h"

namespace corral::store {

struct KillSwitch {
  std::string scope;  // "global", "repo:ID" or "agent:PROFILE"
  bool on = false;
  bool hold_merges = false;  // while on, approved work waits too instead of merging
  std::string by;
  std::string reason;
  std::string at;  // RFC 3339, set when saved
};

inline std::string repo_scope(const std::string& repo_id) { return "repo:" + repo_id; }
inline std::string agent_scope(const std::string& agent) { return "agent:" + agent; }

// What the switches that are on stop: everything, or these repositories and
// agent profiles.
struct Stopped {
  const KillSwitch* global = nullptr;
  std::vector<std::string> repos, agents;
};
Stopped stopped_by(const std::vector<KillSwitch>& switches);
// The switch that is on and covers a run of `agent` on `repo_id`, if any
// (`merging`: only one that also holds merges).
const KillSwitch* covering(const std::vector<KillSwitch>& switches, const std::string& repo_id,
                           const std::string& agent, bool merging = false);

class KillSwitches {
 public:
  KillSwitches(Database& db, const Clock& clock) : db_(db), clock_(clock) {}

  // Called after each change, under the store's lock (Store::set_task_listener:
  // the scheduler acts on switches as on tasks).
  void set_change_listener(std::function<void()> listener) { on_change_ = std::move(listener); }

  // Turns a switch on or off (its time set here); returns it as saved.
  Result<KillSwitch> set(KillSwitch kill_switch);
  // Every switch ever set, on or off, by scope.
  Result<std::vector<KillSwitch>> all();

 private:
  Database& db_;
  const Clock& clock_;
  std::function<void()> on_change_;
};

}  // namespace corral::store
