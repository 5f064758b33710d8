// When a task conflicts with its branch and the owners chose follow-ups
// (setting conflict_follow_up): a new task for the same agent, started on the
// branch's new tip, whose prompt carries the original request, the files that
// conflicted and both sides of each (what the branch changed there since the
// task's base, and what the task changed). It takes the conflicted task's
// place in the DAG (its dependents wait for it instead), and its result goes
// through review like any other.
#pragma once

#include <string>
#include <vector>

#include "merge/merger.h"
#include "store/store.h"

namespace corral::merge {

// The follow-up of `merge`'s task, which conflicted on `onto` in `files`.
Result<store::NewTask> plan_follow_up(const RepoContext& repo, const TaskMerge& merge, const std::string& onto,
                                      const std::vector<std::string>& files);

// Queues it (task.queued, with follow_up_of) and gives it the conflicted
// task's dependents, in the caller's transaction (the one ending that task).
Status queue_follow_up(store::Transaction& tx, const store::QueuedTask& conflicted, const store::NewTask& follow_up);

}  // namespace corral::merge
