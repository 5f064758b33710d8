#include "merge/queue_order.h"

#include <algorithm>
#include <set>

namespace corral::merge {
namespace {

bool goes_first(const QueueTask& a, const QueueTask& b) {
  if (a.approved != b.approved) return a.approved;
  if (a.priority != b.priority) return a.priority > b.priority;
  if (a.approved && a.approved_at != b.approved_at) return a.approved_at < b.approved_at;
  return a.seq < b.seq;
}

}  // namespace

std::vector<QueuePlace> order_queue(std::vector<QueueTask> tasks,
                                    const std::map<std::string, store::TaskState>& outside) {
  std::stable_sort(tasks.begin(), tasks.end(), goes_first);
  std::set<std::string> in_queue;
  for (const QueueTask& task : tasks) in_queue.insert(task.id);

  // Parents first: each round places, in order, every task whose parents in
  // the queue are placed; a cycle cannot be submitted, so rounds end.
  std::vector<const QueueTask*> ordered;
  std::set<std::string> placed;
  std::vector<const QueueTask*> left;
  for (const QueueTask& task : tasks) left.push_back(&task);
  while (!left.empty()) {
    std::vector<const QueueTask*> later;
    for (const QueueTask* task : left) {
      bool parents_placed = std::all_of(task->parents.begin(), task->parents.end(), [&](const std::string& parent) {
        return !in_queue.count(parent) || placed.count(parent);
      });
      if (!parents_placed) {
        later.push_back(task);
        continue;
      }
      ordered.push_back(task);
      placed.insert(task->id);
    }
    if (later.size() == left.size()) {  // only if the data is corrupt: keep them, unready
      ordered.insert(ordered.end(), later.begin(), later.end());
      break;
    }
    left = std::move(later);
  }

  std::vector<QueuePlace> out;
  std::map<std::string, bool> ready_ahead;
  for (const QueueTask* task : ordered) {
    QueuePlace place{*task, false, "", ""};
    for (const std::string& parent : task->parents) {
      if (in_queue.count(parent)) {
        auto ahead = ready_ahead.find(parent);
        if (ahead == ready_ahead.end() || !ahead->second) place.waits = "parent " + parent + " is not ready";
        continue;
      }
      auto state = outside.find(parent);
      store::TaskState parent_state = state == outside.end() ? store::TaskState::kFailed : state->second;
      if (store::blocks_dependents(parent_state)) {
        place.hold_reason =
            "parent " + parent + " " + store::state_name(parent_state) + ": its work is not on the branch";
        place.waits = place.hold_reason;
      } else if (parent_state != store::TaskState::kMerged && place.waits.empty()) {
        place.waits = "parent " + parent + " is " + store::state_name(parent_state);
      }
    }
    if (!task->approved)
      place.waits = "awaits approval" + (place.waits.empty() ? "" : "; " + place.waits);
    else if (!task->switched_off.empty() && place.waits.empty())
      place.waits = task->switched_off;
    place.ready = place.waits.empty();
    ready_ahead[task->id] = place.ready;
    out.push_back(std::move(place));
  }
  return out;
}

}  // namespace corral::merge
