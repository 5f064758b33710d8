#include "merge/queue_desk.h"

#include <map>

#include <nlohmann/json.hpp>

#include "merge/merge_queue.h"

namespace corral::merge {
namespace {

using json = nlohmann::json;

json check_json(const SpeculationView& check) {
  return {{"state", check.check},
          {"onto", check.onto},
          {"commit", check.commit},
          {"run", check.check_run},
          {"ahead", check.ahead}};
}

}  // namespace

Result<json> QueueDesk::show(const policy::Caller& caller, const std::string& repo_id, const std::string& branch) {
  std::map<QueueKey, QueueStatus> live;
  if (board_)
    for (const QueueStatus& status : board_->all()) live[{status.repo_id, status.target}] = status;
  auto queues = store_.with([&](store::Transaction& tx) { return queues_of(tx, repo_id); });
  if (!queues.is_ok()) return queues.status();
  // A queue backing off shows even when no task waits in it any more.
  for (const auto& [key, status] : live)
    if ((repo_id.empty() || key.repo_id == repo_id) && status.failures > 0) queues->try_emplace(key);
  json out = {{"queues", json::array()}};
  for (const auto& [key, places] : *queues) {
    if (!policy::check_access(caller, policy::Action::kRead, key.repo_id).is_ok()) continue;
    auto shown = live.find(key);
    const QueueStatus* status = shown == live.end() ? nullptr : &shown->second;
    if (!branch.empty() && branch != key.target && !(status && status->branch == branch)) continue;
    json queue = {{"repo", key.repo_id},
                  {"target", key.target},
                  {"branch", status && !status->branch.empty() ? status->branch : key.target},
                  {"active", status && status->active},
                  {"tasks", json::array()}};
    if (status) {
      queue["tip"] = status->tip;
      queue["depth"] = status->depth;
      queue["failures"] = status->failures;
      if (status->failures > 0) {
        queue["last_error"] = status->last_error;
        queue["retry_at"] = status->retry_at;
      }
    }
    int position = 0;
    for (const QueuePlace& place : places) {
      const QueueTask& task = place.task;
      json entry = {{"task", task.id},      {"position", ++position}, {"state", task.approved ? "merging" : "review"},
                    {"ready", place.ready}, {"waits", place.waits},   {"priority", task.priority},
                    {"agent", task.agent},  {"parents", task.parents}};
      if (status)
        for (const SpeculationView& check : status->checks)
          if (check.task == task.id) entry["check"] = check_json(check);
      queue["tasks"].push_back(std::move(entry));
    }
    out["queues"].push_back(std::move(queue));
  }
  return out;
}

}  // namespace corral::merge
