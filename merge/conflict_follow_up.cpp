#include "merge/conflict_follow_up.h"

#include <nlohmann/json.hpp>

#include "core/ids.h"
#include "git/diff.h"
#include "store/event_record.h"

namespace corral::merge {
namespace {

using json = nlohmann::json;

// Each side's patch is cut here: the prompt must stay a prompt.
constexpr size_t kSideBytes = 16 * 1024;

// The parts of a unified diff that touch `files` (each starts "diff --git").
std::string patch_of(const std::string& patch, const std::vector<std::string>& files) {
  std::string out;
  size_t at = 0;
  while (at < patch.size()) {
    size_t next = patch.find("\ndiff --git ", at);
    size_t end = next == std::string::npos ? patch.size() : next + 1;
    std::string_view part(patch.data() + at, end - at);
    std::string_view header = part.substr(0, part.find('\n'));
    for (const std::string& file : files) {
      if (header.find(" a/" + file + " ") != std::string_view::npos || header.ends_with(" b/" + file)) {
        out += part;
        break;
      }
    }
    at = end;
  }
  if (out.size() > kSideBytes) out = out.substr(0, out.rfind('\n', kSideBytes) + 1) + "[... cut]\n";
  return out;
}

}  // namespace

Result<store::NewTask> plan_follow_up(const RepoContext& repo, const TaskMerge& merge, const std::string& onto,
                                      const std::vector<std::string>& files) {
  const std::string& mirror = repo.record.mirror_path;
  auto branch_side = git::diff_commits(mirror, merge.run.base_commit, onto);
  if (!branch_side.is_ok()) return branch_side.status();
  auto task_side = git::diff_commits(mirror, merge.run.base_commit, merge.run.head_commit);
  if (!task_side.is_ok()) return task_side.status();
  std::string listed;
  for (const std::string& file : files) listed += "- " + file + "\n";
  std::string prompt = merge.task.prompt + "\n\n---\nThis is a follow-up of task " + merge.task.id +
                       ", whose change conflicted with " + merge.branch + " at " + onto + " in:\n" + listed +
                       "\nRedo that change on top of the branch as it is now (your workspace). What " + merge.branch +
                       " changed in those files since the earlier work began:\n" + patch_of(branch_side->patch, files) +
                       "\nWhat task " + merge.task.id + " had changed in them:\n" + patch_of(task_side->patch, files);
  store::NewTask task;
  task.id = new_id("t");
  task.repo_id = merge.task.repo_id;
  task.prompt = std::move(prompt);
  task.agent = merge.task.agent;
  task.base_rev = onto;
  task.target_branch = merge.task.target_branch;
  task.submitter = merge.task.submitter;
  task.priority = merge.task.priority;
  task.timeout_seconds = merge.task.timeout_seconds;
  task.budget_tokens = merge.task.budget_tokens;
  task.budget_calls = merge.task.budget_calls;
  return task;
}

Status queue_follow_up(store::Transaction& tx, const store::QueuedTask& conflicted, const store::NewTask& follow_up) {
  auto submitted = tx.queue.submit({follow_up});
  if (!submitted.is_ok()) return submitted.status();
  const store::QueuedTask& queued = submitted->front().task;
  using store::TaskState;
  auto moved = tx.queue.replace_parent(
      conflicted.id, queued.id,
      {TaskState::kQueued, TaskState::kRunning, TaskState::kSucceeded, TaskState::kReview, TaskState::kMerging});
  if (!moved.is_ok()) return moved.status();
  return store::TaskEvent("task.queued", queued)
      .payload({{"prompt", queued.prompt},
                {"base_rev", queued.base_rev},
                {"parents", json::array()},
                {"priority", queued.priority},
                {"submitter", queued.submitter},
                {"follow_up_of", conflicted.id},
                {"dependents_moved", *moved}})
      .record(tx.events);
}

}  // namespace corral::merge
