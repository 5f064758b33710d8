#include "scheduler/decisions.h"

#include <algorithm>
#include <map>

namespace corral::scheduler {
namespace {

struct Load {
  int global = 0;
  std::map<std::string, int> per_repo;
  std::map<std::string, int> per_agent;

  bool has_room(const TaskView& task, const Caps& caps) const {
    auto count = [](const std::map<std::string, int>& counts, const std::string& key) {
      auto it = counts.find(key);
      return it == counts.end() ? 0 : it->second;
    };
    return global < caps.global && count(per_repo, task.repo) < caps.per_repo &&
           count(per_agent, task.agent) < caps.per_agent;
  }

  void add(const TaskView& task) {
    ++global;
    ++per_repo[task.repo];
    ++per_agent[task.agent];
  }
};

// Why a queued task cannot run on the base it asked for, if it cannot: the
// first parent (or, through queued parents, ancestor) that failed, was
// rejected, rolled back, cancelled or held. Memoised; the graph is a DAG.
class BlockFinder {
 public:
  explicit BlockFinder(const std::map<std::string, const TaskView*>& by_id) : by_id_(by_id) {}

  const std::string& reason(const TaskView& task) {
    auto known = memo_.find(task.id);
    if (known != memo_.end()) return known->second;
    std::string why;
    for (const std::string& parent_id : task.parents) {
      auto parent = by_id_.find(parent_id);
      if (parent == by_id_.end()) {
        why = "parent " + parent_id + " does not exist";
      } else if (store::blocks_dependents(parent->second->state)) {
        why = "parent " + parent_id + " " + store::state_name(parent->second->state);
      } else if (parent->second->state == store::TaskState::kQueued && !reason(*parent->second).empty()) {
        why = "ancestor blocked: " + reason(*parent->second);
      }
      if (!why.empty()) break;
    }
    return memo_[task.id] = why;
  }

 private:
  const std::map<std::string, const TaskView*>& by_id_;
  std::map<std::string, std::string> memo_;
};

}  // namespace

std::vector<Decision> schedule(const std::vector<TaskView>& tasks, const Caps& caps) {
  std::map<std::string, const TaskView*> by_id;
  Load load;
  for (const TaskView& task : tasks) {
    by_id[task.id] = &task;
    if (task.state == store::TaskState::kRunning) load.add(task);
  }

  std::vector<Decision> decisions;
  std::vector<const TaskView*> runnable;
  BlockFinder blocks(by_id);
  for (const TaskView& task : tasks) {
    if (task.state != store::TaskState::kQueued) continue;
    if (const std::string& why = blocks.reason(task); !why.empty()) {
      decisions.push_back({Decision::Kind::kHold, task.id, "", why});
      continue;
    }
    bool parents_done = std::all_of(task.parents.begin(), task.parents.end(), [&](const std::string& parent) {
      return store::has_usable_branch(by_id.at(parent)->state);
    });
    if (parents_done) runnable.push_back(&task);
  }

  std::stable_sort(runnable.begin(), runnable.end(), [](const TaskView* a, const TaskView* b) {
    if (a->priority != b->priority) return a->priority > b->priority;
    return a->sequence < b->sequence;
  });
  for (const TaskView* task : runnable) {
    if (!load.has_room(*task, caps)) continue;
    load.add(*task);
    decisions.push_back({Decision::Kind::kStart, task->id, task->parents.empty() ? "" : task->parents.front(), ""});
  }
  return decisions;
}

Room room_left(const std::vector<TaskView>& running, const Caps& caps) {
  Load load;
  for (const TaskView& task : running) load.add(task);
  Room room;
  room.global = std::max(0, caps.global - load.global);
  for (const auto& [repo, count] : load.per_repo) {
    if (count >= caps.per_repo) room.full_repos.push_back(repo);
  }
  for (const auto& [agent, count] : load.per_agent) {
    if (count >= caps.per_agent) room.full_agents.push_back(agent);
  }
  return room;
}

}  // namespace corral::scheduler
