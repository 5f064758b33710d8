#include "scheduler/reconcile.h"

#include <nlohmann/json.hpp>

#include <filesystem>

#include "core/file_lock.h"
#include "core/ids.h"
#include "git/mirror.h"
#include "runner/sandbox_cleanup.h"
#include "runner/task_run.h"
#include "runner/workspace/workspace.h"

namespace corral::scheduler {
namespace {

constexpr const char* kCrashReason = "corral stopped during the run; the run was abandoned";
constexpr const char* kStuckReason = "the task was left running with no run (its end was recorded only in part)";

Status record(store::EventLog& events, const std::string& type, const store::RunRecord& run, const std::string& repo_id,
              const nlohmann::json& payload) {
  Event event{type, run.task_id, run.id, repo_id, "", run.id, "{}"};
  set_payload(event, payload);
  return events.record(event);
}

// Removes the run's directory (gateway sockets, agent files) and worktree,
// and its task branch if the run left nothing on it.
Status clean_run_files(const DataLayout& layout, const store::RunRecord& run, const store::RepoRecord& repo) {
  std::error_code ec;
  std::filesystem::remove_all(layout.run_dir(run.id), ec);
  if (ec) return Status::from_errno(ec.value(), "removing " + layout.run_dir(run.id));
  CORRAL_RETURN_IF_ERROR(
      runner::remove_workspace_files(layout.worktree(run.id), layout.layer(run.id), {repo.mirror_path}, run.id));
  auto lock = FileLock::acquire(layout.mirror_lock(repo.id));
  if (!lock.is_ok()) return lock.status();
  std::string branch = runner::task_branch(run.task_id);
  auto tip = git::branch_commit(repo.mirror_path, branch);
  if (tip.is_ok() && *tip == run.base_commit) return git::delete_branch(repo.mirror_path, branch);
  return Status::ok();
}

Status abandon_run(const DataLayout& layout, store::Records& records, store::TaskQueue& queue, store::EventLog& events,
                   store::RunRecord run, const AbandonedRunHandler& on_abandoned) {
  auto task = queue.find(run.task_id);
  if (!task.is_ok()) return task.status();
  if (!*task) return Status::corrupt("run " + run.id + " names a task that does not exist");
  auto repo = records.find_repo((*task)->repo_id);
  if (!repo.is_ok()) return repo.status();
  if (*repo) CORRAL_RETURN_IF_ERROR(clean_run_files(layout, run, **repo));
  run.state = store::state::kFailed;
  run.reason = kCrashReason;
  CORRAL_RETURN_IF_ERROR(records.finish_run(run));
  if (on_abandoned) return on_abandoned(run, kCrashReason);
  CORRAL_RETURN_IF_ERROR(queue.transition(run.task_id, {store::TaskState::kRunning, store::TaskState::kQueued},
                                          store::TaskState::kFailed, kCrashReason));
  return record(events, "task.failed", run, (*task)->repo_id, {{"reason", kCrashReason}, {"reconciled", true}});
}

// Tasks the store says are running with no unfinished run: the end of their
// last run was recorded only in part (a write failed on a full disk, say).
// Each is handled like an abandoned run, so it runs again or fails.
Status repair_stuck_tasks(store::Records& records, store::TaskQueue& queue, store::EventLog& events,
                          const AbandonedRunHandler& on_abandoned, int& repaired) {
  CORRAL_ASSIGN_OR_RETURN(auto running, queue.list({"", store::TaskState::kRunning, 100000}));
  for (const store::QueuedTask& task : running) {
    CORRAL_ASSIGN_OR_RETURN(auto runs, records.runs_of_task(task.id));
    bool unfinished = std::any_of(runs.begin(), runs.end(),
                                  [](const store::RunRecord& run) { return run.state == store::state::kRunning; });
    if (unfinished) continue;  // a live run, or an abandoned one handled above
    store::RunRecord last;
    last.task_id = task.id;
    if (!runs.empty()) last = runs.back();
    ++repaired;
    if (on_abandoned) {
      CORRAL_RETURN_IF_ERROR(on_abandoned(last, kStuckReason));
      continue;
    }
    CORRAL_RETURN_IF_ERROR(
        queue.transition(task.id, {store::TaskState::kRunning}, store::TaskState::kFailed, kStuckReason));
    CORRAL_RETURN_IF_ERROR(
        record(events, "task.failed", last, task.repo_id, {{"reason", kStuckReason}, {"reconciled", true}}));
  }
  return Status::ok();
}

// Run locks of runs that are not live and not in the store as unfinished:
// what a failed start left (the lock is taken before the run is recorded).
int remove_stray_run_locks(const DataLayout& layout) {
  int removed = 0;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(layout.runs(), ec)) {
    std::string name = entry.path().filename().string();
    if (!name.ends_with(".lock")) continue;
    std::string run_id = name.substr(0, name.size() - 5);
    if (is_run_live(layout, run_id) || layout.run_lock(run_id) != entry.path().string()) continue;
    if (std::filesystem::remove(entry.path(), ec)) ++removed;
  }
  return removed;
}

// Workspaces, upper layers and run directories of runs that are not live,
// left once the unfinished runs are abandoned: what a run the store never
// recorded (a merge's check, a start cut short) had made when corral was killed.
Result<int> remove_stray_run_files(const DataLayout& layout, store::Records& records) {
  CORRAL_ASSIGN_OR_RETURN(auto repos, records.repos());
  std::vector<std::string> mirrors;
  for (const store::RepoRecord& repo : repos) mirrors.push_back(repo.mirror_path);
  int removed = 0;
  for (const std::string& parent : {layout.worktrees(), layout.layers(), layout.runs()}) {
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(parent, ec)) {
      std::string name = entry.path().filename().string();
      bool run_like = is_valid_id(name, "r") || is_valid_id(name, "c");
      if (!run_like || !entry.is_directory(ec) || is_run_live(layout, name)) continue;
      if (parent == layout.worktrees()) {
        // Which mirror a worktree came from is written only in the worktree,
        // where the agent could rewrite it: each mirror forgets it if it knew it.
        CORRAL_RETURN_IF_ERROR(runner::remove_workspace_files(entry.path(), layout.layer(name), mirrors, name));
      }
      std::filesystem::remove_all(entry.path(), ec);
      if (ec) return Status::from_errno(ec.value(), "removing " + entry.path().string());
      ++removed;
    }
  }
  return removed;
}

}  // namespace

Result<ReconcileReport> reconcile(const DataLayout& layout, store::Records& records, store::TaskQueue& queue,
                                  store::EventLog& events, const std::vector<containers::SandboxBackend*>& backends,
                                  const AbandonedRunHandler& on_abandoned) {
  ReconcileReport report;
  auto is_live = [&](const std::string& run_id) { return is_run_live(layout, run_id); };
  for (containers::SandboxBackend* backend : backends) {
    auto removed = runner::remove_orphan_sandboxes(*backend, is_live);
    if (!removed.is_ok()) return removed.status();
    for (const runner::RemovedSandbox& sandbox : *removed) {
      store::RunRecord run;
      run.id = sandbox.run_id;
      if (auto found = records.find_run(sandbox.run_id); found.is_ok() && *found) run = **found;
      CORRAL_RETURN_IF_ERROR(record(
          events, "sandbox.destroyed", run, "",
          {{"sandbox", sandbox.name}, {"backend", backend->kind()}, {"orphan", true}, {"status", sandbox.status}}));
      ++report.sandboxes_removed;
    }
  }
  auto unfinished = records.unfinished_runs();
  if (!unfinished.is_ok()) return unfinished.status();
  for (const store::RunRecord& run : *unfinished) {
    if (is_live(run.id)) continue;
    CORRAL_RETURN_IF_ERROR(abandon_run(layout, records, queue, events, run, on_abandoned));
    std::remove(layout.run_lock(run.id).c_str());
    ++report.runs_failed;
  }
  CORRAL_RETURN_IF_ERROR(repair_stuck_tasks(records, queue, events, on_abandoned, report.tasks_repaired));
  report.locks_removed = remove_stray_run_locks(layout);
  CORRAL_ASSIGN_OR_RETURN(report.leftovers_removed, remove_stray_run_files(layout, records));
  CORRAL_ASSIGN_OR_RETURN(auto repos, records.repos());
  for (const store::RepoRecord& repo : repos) {
    auto lock = FileLock::acquire(layout.mirror_lock(repo.id));
    if (!lock.is_ok()) return lock.status();
    CORRAL_ASSIGN_OR_RETURN(int removed, git::remove_stale_ref_locks(repo.mirror_path));
    report.locks_removed += removed;
  }
  return report;
}

}  // namespace corral::scheduler
