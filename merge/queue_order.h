// The order of one merge queue (one repository and branch), decided purely
// from the tasks' facts so it can be shown (corral queue show, /v1/queues)
// and tested with tables:
//   - approved tasks (merging) come first, by priority (higher first), then
//     by when they were approved; tasks still in review follow, by priority
//     then submission: priority moves an approved task ahead of unapproved
//     ones, never the other way;
//   - a task never goes ahead of a parent (stacked tasks keep their DAG
//     order): it moves down to just behind the last of them;
//   - a task is ready (may be checked and merged) when it is approved, no
//     kill switch holds it, and each parent is merged or ready ahead of it;
//   - a task whose parent will never merge is to be held.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "store/task_state.h"

namespace corral::merge {

struct QueueTask {
  std::string id;
  bool approved = false;  // in state merging (else in review)
  int priority = 0;
  std::string approved_at;  // RFC 3339: when it entered merging
  int64_t seq = 0;          // submission order
  std::vector<std::string> parents;
  std::string switched_off;  // set: a kill switch holds its merge (why)
  std::string agent = {};
};

struct QueuePlace {
  QueueTask task;
  bool ready = false;
  std::string waits;        // why it is not ready ("" when ready)
  std::string hold_reason;  // set: a parent will never merge; the task is to be held
};

// `tasks` in queue order. `outside` has the state of every parent not in `tasks`.
std::vector<QueuePlace> order_queue(std::vector<QueueTask> tasks,
                                    const std::map<std::string, store::TaskState>& outside);

}  // namespace corral::merge
