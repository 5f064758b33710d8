// The commit step (ARCHITECTURE.md, "The life of a task", step 6): the only way work reaches a
// shared branch.
//
//   propose  a run succeeded with a change: its diff (base..head of the task
//            branch) is checked by the diff rules (policy/diff_checks); the
//            review binds to the diff's hash; the task goes to review (the
//            tier's approvals, at least one when a rule asks for a human or the
//            agent escalated), straight to merging (none needed), or is
//            refused.
//   merge    approved tasks wait in their merge queue, one per repository and
//            target branch (merge_queue.h: speculative checks, forward-only
//            landings; merger.h: one task's steps). The daemon runs each queue
//            on its own thread (merge_queues.h); work_once() runs them in the
//            caller's thread.
#pragma once

#include <string>

#include "merge/merger.h"
#include "merge/queue_board.h"

namespace corral::merge {

class CommitStep {
 public:
  // Does not own `store` or `backend`.
  CommitStep(store::Store& store, DataLayout layout, containers::SandboxBackend& backend, MergerOptions options);

  // One unit of the commit step's work in the caller's thread: a succeeded
  // run to propose, else every queue with approved work advanced until it
  // waits for a person. false when nothing changed.
  Result<bool> work_once();
  // Proposes every succeeded run waiting for it; how many.
  Result<int> propose_all();
  Status propose(const std::string& task_id, const std::string& run_id);

  Merger& merger() { return merger_; }
  QueueBoard& board() { return board_; }

 private:
  Result<bool> propose_next();

  store::Store& store_;
  Merger merger_;
  QueueBoard board_;
};

}  // namespace corral::merge
