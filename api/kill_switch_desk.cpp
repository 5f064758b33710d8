#include "api/kill_switch_desk.h"

#include <nlohmann/json.hpp>

#include "core/json_fields.h"
#include "store/event_record.h"

namespace corral::api {
namespace {

using json = nlohmann::json;

json switch_json(const store::KillSwitch& kill_switch) {
  return {{"scope", kill_switch.scope}, {"on", kill_switch.on},         {"hold_merges", kill_switch.hold_merges},
          {"by", kill_switch.by},       {"reason", kill_switch.reason}, {"at", kill_switch.at}};
}

}  // namespace

Result<json> KillSwitchDesk::list(const policy::Caller& caller) {
  auto tx = store_.lock();
  auto switches = tx.kill_switches.all();
  if (!switches.is_ok()) return switches.status();
  json out = {{"switches", json::array()}};
  for (const auto& kill_switch : *switches) {
    if (kill_switch.scope.starts_with("repo:") &&
        !policy::check_access(caller, policy::Action::kRead, kill_switch.scope.substr(5)).is_ok()) {
      continue;
    }
    out["switches"].push_back(switch_json(kill_switch));
  }
  return out;
}

Result<json> KillSwitchDesk::set(const policy::Caller& caller, const json& body, const std::string& repo_id) {
  CORRAL_RETURN_IF_ERROR(check_fields(body,
                                      {{"on", FieldType::kBoolean, true},
                                       {"reason", FieldType::kString, true},
                                       {"repo", FieldType::kString},
                                       {"hold_merges", FieldType::kBoolean},
                                       {"agent", FieldType::kString}},
                                      "the kill switch"));
  std::string reason = body["reason"], agent = body.value("agent", "");
  if (reason.find_first_not_of(" \t\r\n") == std::string::npos) {
    return Status::invalid_argument("a kill switch needs a reason: say why");
  }
  if (!repo_id.empty() && !agent.empty()) {
    return Status::invalid_argument("a kill switch is global, for one repository, or for one agent profile: not both");
  }
  if (body.contains("agent") && agent.empty()) return Status::invalid_argument("'agent' is empty: name a profile");
  std::string scope = !repo_id.empty() ? store::repo_scope(repo_id)
                      : !agent.empty() ? store::agent_scope(agent)
                                       : "global";
  if (repo_id.empty()) {
    if (caller.role != "admin" || caller.repo_scope != "*") {
      return Status::permission_denied("only an admin may turn the " + scope + " kill switch on or off");
    }
  } else {
    CORRAL_RETURN_IF_ERROR(policy::check_access(caller, policy::Action::kManageRepo, repo_id));
  }
  bool on = body["on"];
  return store_.with([&](store::Transaction& store) -> Result<json> {
    store::KillSwitch saved;
    Status status = store.atomically([&]() -> Status {
      auto made = store.kill_switches.set({scope, on, on && body.value("hold_merges", false), caller.name, reason, ""});
      if (!made.is_ok()) return made.status();
      saved = *made;
      json payload = switch_json(saved);
      CORRAL_RETURN_IF_ERROR(store::RepoEvent("killswitch.changed", repo_id).payload(payload).record(store.events));
      payload["kind"] = on ? "kill_switch_on" : "kill_switch_off";
      return store::RepoEvent("alert.raised", repo_id).payload(payload).record(store.events);
    });
    if (!status.is_ok()) return status;
    return switch_json(saved);
  });
}

}  // namespace corral::api
