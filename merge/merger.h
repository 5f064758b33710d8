// One task's way onto a shared branch, step by step; a merge queue
// (merge_queue.h) calls these in order for each task it holds:
//
//   observe    fetch the upstream branch; stop with an alert if its history
//              no longer contains what corral last saw there
//   integrate  replay the task's commits on a commit (the tip, or the
//              predicted result of the tasks ahead), or merge them; a
//              conflict ends the task (or queues its follow-up)
//   recheck    the change on its new base against its review: the diff rules
//              again, and an approval carried over only if the change is the
//              same (git's patch id), else the reviewer is asked again with
//              the interdiff
//   land       write the intent (store/merges.h); move corral's record of the
//              branch forward by compare-and-swap; publish to the upstream
//              without force; on success the task is merged. A batch of
//              consecutive tasks lands in one compare-and-swap and one publish.
//   resume     after a crash, finish what the intent log shows half done, so
//              a task is merged at most once
#pragma once

#include <nlohmann/json_fwd.hpp>

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "containers/sandbox_backend.h"
#include "core/data_layout.h"
#include "core/stage_hook.h"
#include "merge/repo_context.h"
#include "store/store.h"

namespace corral::merge {

struct MergerOptions {
  std::string image;  // the sandbox image for the check command (docker backend)
  std::string supervisor_path;
  int max_publish_attempts = 5;  // tries when the upstream keeps moving
  StageHook at_stage;            // called as each stage of a merge begins (crash tests pause there)
};

// What every step of one task's merge reads.
struct TaskMerge {
  store::QueuedTask task;
  store::RunRecord run;
  store::ReviewRecord review;
  std::string branch;                  // resolved: the target, or the upstream's default
  Status last_refusal = Status::ok();  // why the last landing found the upstream moved or locked
};

// How landing ended: the task left the queue (merged, or ended with the
// reason recorded), or the upstream moved (or its lock was held) and the
// queue must look again (`TaskMerge::last_refusal` says which).
enum class Landing { kSettled, kMoved };

class Merger {
 public:
  // Does not own `store` or `backend`.
  Merger(store::Store& store, DataLayout layout, containers::SandboxBackend& backend, MergerOptions options);

  store::Store& store() { return store_; }
  const DataLayout& layout() const { return layout_; }
  containers::SandboxBackend& backend() { return backend_; }
  const MergerOptions& options() const { return options_; }

  // The task, its review and the reviewed run.
  Result<TaskMerge> load(const std::string& task_id, const RepoContext& repo);

  // The branch's tip upstream ("" = no such branch yet), corral's record
  // brought up to it; nullopt when the upstream lost commits corral had seen
  // there: an alert is raised and `anchor` ends merge_failed.
  Result<std::optional<std::string>> observe(const RepoContext& repo, const std::string& branch,
                                             const TaskMerge& anchor);

  struct Integrated {
    std::string commit;      // the task's change on top of `onto`
    bool unchanged = false;  // nothing was left to apply: the change is there already
  };
  // nullopt: the change conflicts with `onto`; the task ended conflicted (and
  // its follow-up is queued when the owners chose that).
  Result<std::optional<Integrated>> integrate(const TaskMerge& merge, const RepoContext& repo, const std::string& onto);

  // The change on `onto` (as `commit`) against its review; false when the
  // task left the queue: refused by the diff rules, or back in review.
  Result<bool> recheck(TaskMerge& merge, const RepoContext& repo, const std::string& onto, const std::string& commit);

  // One task of a landing: its change on `onto`, as `commit`.
  struct Landed {
    TaskMerge* merge;
    std::string onto;
    std::string commit;
  };
  // Lands `batch` through the intent log: consecutive tasks of one queue,
  // each's change on the one before it (the first on the branch's tip), in
  // one compare-and-swap and one publish to the last one's commit. Every
  // member's intent records the batch's two tips, so a restart finishes
  // them alike. The refusal of a moved upstream is the first member's.
  Result<Landing> land(const std::vector<Landed>& batch, const RepoContext& repo);
  // Finishes a merge the intent log shows past pending (a crash); nullopt if
  // there is none.
  Result<std::optional<Landing>> resume(TaskMerge& merge, const RepoContext& repo);

  // Moves the task from `from_state` to `state` with the reason, learns the
  // outcome, resets its merge record, records `event` and does `also` (one
  // transaction).
  Status end_task(const std::string& task_id, store::TaskState state, const std::string& reason,
                  const std::string& event, const nlohmann::json& payload,
                  store::TaskState from_state = store::TaskState::kMerging,
                  const std::function<Status(store::Transaction&)>& also = {});
  // Ends a task the commit step could not handle (merge_failed, with why).
  Status give_up(const std::string& task_id, store::TaskState from_state, const Status& why);

 private:
  Result<bool> ask_again(TaskMerge& merge, const std::string& onto, const std::string& commit,
                         const std::string& diff_hash, const std::string& reason, int required,
                         const nlohmann::json& findings, bool keep_approved);
  // Every member's intent to `state` with the batch's tips, in one transaction.
  Status set_merge_state(const std::vector<Landed>& batch, store::MergeState state);
  Result<Landing> after_publish(const std::vector<Landed>& batch, const RepoContext& repo, const Status& published);
  // merge.completed for one member: its own commits, and the batch it landed in.
  Status finish_published(const Landed& landed, const RepoContext& repo, const std::vector<Landed>& batch);
  std::string remove_task_branch(const TaskMerge& merge, const RepoContext& repo);

  store::Store& store_;
  DataLayout layout_;
  containers::SandboxBackend& backend_;
  MergerOptions options_;
};

}  // namespace corral::merge
