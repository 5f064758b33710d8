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
  return store_.with([&](store::Transaction& tx) -> Result<json> {
    std::map<QueueKey, std::vector<store::QueuedTask>> tasks;
    for (store::TaskState state : {store::TaskState::kMerging, store::TaskState::kReview}) {
      auto listed = tx.queue.list({repo_id, state, 10000});
      if (!listed.is_ok()) return listed.status();
      for (store::QueuedTask& task : *listed) tasks[{task.repo_id, task.target_branch}].push_back(std::move(task));
    }
    for (const auto& [key, status] : live)
      if (repo_id.empty() || key.repo_id == repo_id) tasks.try_emplace(key);
    json out = {{"queues", json::array()}};
    for (const auto& [key, queued] : tasks) {
      if (!policy::check_access(caller, policy::Action::kRead, key.repo_id).is_ok()) continue;
      auto shown = live.find(key);
      const QueueStatus* status = shown == live.end() ? nullptr : &shown->second;
      if (!branch.empty() && branch != key.target && !(status && status->branch == branch)) continue;
      auto places = queue_places(tx, key);
      if (!places.is_ok()) return places.status();
      if (places->empty() && !(status && status->failures > 0)) continue;
      std::map<std::string, const store::QueuedTask*> by_id;
      for (const store::QueuedTask& task : queued) by_id[task.id] = &task;
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
      for (const QueuePlace& place : *places) {
        const store::QueuedTask* task = by_id.count(place.task) ? by_id[place.task] : nullptr;
        json entry = {{"task", place.task},
                      {"position", ++position},
                      {"state", place.approved ? "merging" : "review"},
                      {"ready", place.ready},
                      {"waits", place.waits},
                      {"priority", task ? task->priority : 0},
                      {"agent", task ? task->agent : ""},
                      {"parents", task ? task->parents : std::vector<std::string>{}}};
        if (status)
          for (const SpeculationView& check : status->checks)
            if (check.task == place.task) entry["check"] = check_json(check);
        queue["tasks"].push_back(std::move(entry));
      }
      out["queues"].push_back(std::move(queue));
    }
    return out;
  });
}

}  // namespace corral::merge
