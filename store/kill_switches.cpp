#include "store/kill_switches.h"

#include "store/statement.h"

namespace corral::store {

Stopped stopped_by(const std::vector<KillSwitch>& switches) {
  Stopped stopped;
  for (const KillSwitch& kill_switch : switches) {
    if (!kill_switch.on) continue;
    if (kill_switch.scope == "global") stopped.global = &kill_switch;
    if (kill_switch.scope.starts_with("repo:")) stopped.repos.push_back(kill_switch.scope.substr(5));
    if (kill_switch.scope.starts_with("agent:")) stopped.agents.push_back(kill_switch.scope.substr(6));
  }
  return stopped;
}

const KillSwitch* covering(const std::vector<KillSwitch>& switches, const std::string& repo_id,
                           const std::string& agent, bool merging) {
  for (const KillSwitch& kill_switch : switches) {
    bool covers = kill_switch.scope == "global" || kill_switch.scope == repo_scope(repo_id) ||
                  kill_switch.scope == agent_scope(agent);
    if (kill_switch.on && covers && (!merging || kill_switch.hold_merges)) return &kill_switch;
  }
  return nullptr;
}

Result<KillSwitch> KillSwitches::set(KillSwitch kill_switch) {
  kill_switch.at = format_rfc3339(clock_.now());
  Statement upsert(db_.handle(),
                   "INSERT INTO kill_switches(scope, is_on, hold_merges, by, reason, at) VALUES (?,?,?,?,?,?) "
                   "ON CONFLICT(scope) DO UPDATE SET is_on = excluded.is_on, hold_merges = excluded.hold_merges, "
                   "by = excluded.by, reason = excluded.reason, at = excluded.at");
  upsert.bind(1, kill_switch.scope).bind(2, static_cast<int64_t>(kill_switch.on));
  upsert.bind(3, static_cast<int64_t>(kill_switch.hold_merges)).bind(4, kill_switch.by);
  upsert.bind(5, kill_switch.reason).bind(6, kill_switch.at);
  CORRAL_RETURN_IF_ERROR(upsert.run().with_context("saving a kill switch"));
  if (on_change_) on_change_();
  return kill_switch;
}

Result<std::vector<KillSwitch>> KillSwitches::all() {
  Statement select(db_.handle(), "SELECT scope, is_on, hold_merges, by, reason, at FROM kill_switches ORDER BY scope");
  std::vector<KillSwitch> switches;
  Status status;
  while (select.step(&status)) {
    switches.push_back({select.text(0), select.integer(1) != 0, select.integer(2) != 0, select.text(3), select.text(4),
                        select.text(5)});
  }
  if (!status.is_ok()) return status;
  return switches;
}

}  // namespace corral::store
