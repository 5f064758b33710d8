// How a worker prepares a task's run: the task and its base (a stacked
// task's parent's head), the mirror synced, then the run admitted
// (admission/run_admission.h: routed, budgets, boundaries) and the
// scheduler's hooks added.
#include <nlohmann/json.hpp>

#include "admission/run_admission.h"
#include "core/file_lock.h"
#include "git/mirror.h"
#include "scheduler/scheduler.h"

namespace corral::scheduler {

// The task, its repository, and the head its parent's run left (for a stacked task).
Result<Scheduler::Plan> Scheduler::plan_for(const std::string& task_id, const std::string& base_task) {
  return store_.with([&](store::Transaction& store) -> Result<Plan> {
    auto task = store.queue.find(task_id);
    if (!task.is_ok() || !*task) return Status::not_found("task " + task_id + " vanished");
    auto repo = store.records.find_repo((*task)->repo_id);
    if (!repo.is_ok() || !*repo) return Status::not_found("repository of " + task_id + " vanished");
    Plan plan{**task, **repo, ""};
    if (base_task.empty()) return plan;
    auto parent = store.queue.find(base_task);
    if (!parent.is_ok()) return parent.status();
    // A merged parent's work is on the target branch: start from the task's
    // base, which is that branch unless the submitter named another.
    if (*parent && (*parent)->state == store::TaskState::kMerged) return plan;
    auto runs = store.records.runs_of_task(base_task);
    if (!runs.is_ok()) return runs.status();
    for (const auto& run : *runs) {
      if (run.state == store::state::kSucceeded) plan.base_commit = run.head_commit;
    }
    if (plan.base_commit.empty()) return Status::failed_precondition("parent " + base_task + " has no finished run");
    return plan;
  });
}

// Settles the base commit (the parent's head, already in the mirror, or the
// task's base revision, fetched into it only if it is missing there) and
// clears what an earlier, unpublished attempt left in the mirror.
Status Scheduler::prepare_mirror(Plan& plan) {
  const store::RepoRecord& repo = plan.repo;
  auto lock = FileLock::acquire(layout_.mirror_lock(repo.id));
  if (!lock.is_ok()) return lock.status();
  if (plan.base_commit.empty()) {
    CORRAL_ASSIGN_OR_RETURN(plan.base_commit,
                            git::fetch_revision(repo.source_path, repo.mirror_path, plan.task.base_rev));
  }
  return git::delete_branch(repo.mirror_path, runner::task_branch(plan.task.id));
}

Result<runner::RunRequest> Scheduler::run_request(const std::string& task_id, const std::string& run_id,
                                                  const std::string& base_task) {
  auto plan = plan_for(task_id, base_task);
  if (!plan.is_ok()) return plan.status();
  CORRAL_RETURN_IF_ERROR(prepare_mirror(*plan));
  auto admitted =
      admission::admit_run(store_, budgets_, layout_, {plan->task, plan->repo, run_id, plan->base_commit},
                           {options_.image, options_.supervisor_path, options_.gateways, options_.workspace});
  if (!admitted.is_ok()) return admitted.status();
  runner::RunRequest request = std::move(*admitted);
  request.publish_when_failed = false;
  request.on_stage = options_.at_stage;
  request.is_cancelled = [this, task_id] {
    auto task = store_.with([&](store::Transaction& store) { return store.queue.find(task_id); });
    return task.is_ok() && *task && (*task)->state == store::TaskState::kCancelled;
  };
  return request;
}

}  // namespace corral::scheduler
