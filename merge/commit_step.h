// The commit step (ARCHITECTURE.md, "The life of a task", step 6): the only way work reaches a
// shared branch.
//
//   propose  a run succeeded with a change: its diff (base..head of the task
//            branch) is checked by the diff rules (policy/diff_checks); the
//            review binds to the diff's hash; the task goes to review (the
//            tier's approvals, at least one when a rule asks for a human or the
//            agent escalated),
//            straight to merging (none needed), or is refused.
//   merge    one approved task: fetch the upstream branch; stop with an alert
//            if its history no longer contains what corral last saw there;
//            replay the task's commits on its tip (or merge them); re-check the
//            diff if the tip moved since the review; run the check command in
//            a sandbox on the result; write the intent (store/merges.h); move
//            corral's record of the branch forward by compare-and-swap;
//            publish to the upstream without force. If the upstream moved
//            meanwhile, withdraw the unpublished tip and start over (bounded).
//   recover  after a crash, finishes what the intent log shows half done, so
//            a task is merged at most once.
//
// Merges are serialised by the caller (the daemon runs one at a time), and
// stacked tasks merge in DAG order (next_merge).
#pragma once

#include <optional>
#include <string>

#include "containers/sandbox_backend.h"
#include "core/data_layout.h"
#include "core/stage_hook.h"
#include "merge/repo_context.h"
#include "policy/access.h"
#include "store/store.h"

namespace corral::merge {

struct CommitStepOptions {
  std::string image;  // the sandbox image for the check command (docker backend)
  std::string supervisor_path;
  int max_publish_attempts = 5;  // tries when the upstream keeps moving
  StageHook at_stage;            // called as each stage of a merge begins (crash tests pause there)
};

class CommitStep {
 public:
  // Does not own `store` or `backend`.
  CommitStep(store::Store& store, DataLayout layout, containers::SandboxBackend& backend, CommitStepOptions options);

  // One unit of the commit step's work, oldest first: a succeeded run to
  // propose, else a merging task whose parents are all merged (dependents of
  // a parent that will never merge are held). false when there is nothing.
  Result<bool> work_once();

  Status propose(const std::string& task_id, const std::string& run_id);
  // Merges one task in state merging, or resumes its merge where the intent
  // log says a crash left it. Ends merged, conflicted, checks_failed,
  // refused, merge_failed, or back in review when a re-check asks for a human.
  Status merge(const std::string& task_id);

 private:
  struct Merge;
  struct MergeCandidate {
    std::string task;
    std::string hold_reason;  // set: a parent will never merge; the task is held instead
  };
  Result<bool> propose_next();
  Result<std::optional<MergeCandidate>> next_merge();
  Result<bool> merge_next();
  // How one try at a merge ended: the task is settled (merged, or ended for a
  // reason recorded with it), or the upstream moved and it must start over.
  enum class Attempt { kSettled, kRetry };
  // A step that ended the task (or failed) as the end of an attempt.
  static Result<Attempt> settled(const Status& status);
  // One try from the upstream's current tip.
  Result<Attempt> merge_attempt(Merge& merge);
  // Carries on a merge the intent log shows prepared or advanced.
  Result<Attempt> resume(Merge& merge, store::MergeState state);
  // Fetches the upstream branch and brings corral's record up to it; false
  // (task ended, alert raised) if the upstream lost commits corral had seen.
  Result<bool> observe_upstream(Merge& merge);
  // Re-checks the diff when the tip moved since the review; false if the task ended or went back to review.
  Result<bool> recheck(Merge& merge, const std::string& onto);
  // Runs the check command on the merged result; false if it failed (task ended).
  Result<bool> run_check(Merge& merge);
  Result<Attempt> advance_and_publish(Merge& merge);
  // Done, retry (the upstream moved, or its lock is held), or merge_failed, by how publishing went.
  Result<Attempt> after_publish(Merge& merge, const Status& published);
  Status set_merge_state(const Merge& merge, store::MergeState state);
  // Ends a task the commit step could not handle (merge_failed, with why).
  Status give_up(const std::string& task_id, store::TaskState from_state, const Status& why);
  Status finish_published(Merge& merge);
  std::string remove_task_branch(const Merge& merge);
  // Moves the task from `from_state` to `state` with the reason, learns the
  // outcome, resets its merge record and records `event` (one transaction).
  Status end_task(const std::string& task_id, store::TaskState state, const std::string& reason,
                  const std::string& event, const nlohmann::json& payload,
                  store::TaskState from_state = store::TaskState::kMerging);

  store::Store& store_;
  DataLayout layout_;
  containers::SandboxBackend& backend_;
  CommitStepOptions options_;
};

}  // namespace corral::merge
