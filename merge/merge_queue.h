// One merge queue: the approved tasks of one repository and target branch,
// merged in the queue's order (queue_order.h), forward only.
//
// Speculative checks: the first N ready tasks (the repository's
// merge_queue_depth) are each put on top of the one ahead of it (the first on
// the branch's tip), and the check command runs on each predicted result at
// once, each in its own sandbox (check_job.h). The head merges when its check
// passed, by compare-and-swap from the tip it was built on; the next one was
// built on exactly that commit, so it merges without another check once its
// own passed (with merge_batch K, up to K passed tasks land together, in one
// compare-and-swap and one publish). A failed check takes only its task out
// of the queue (an outcome for routing), once every task ahead of it has
// passed; as soon as it failed, the tasks behind are built again without it.
// The branch moving outside corral, or a task ahead leaving, makes the checks
// built on the old prediction stale: they are stopped and built again on the
// new one. Nothing is forced, ever.
//
// A queue runs on one thread at a time; merge_queues.h gives each queue its
// own, so one failing upstream holds only its own queue.
#pragma once

#include <atomic>
#include <condition_variable>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/thread_annotations.h"
#include "merge/check_job.h"
#include "merge/merger.h"
#include "merge/queue_board.h"
#include "merge/queue_order.h"

namespace corral::merge {

// A queue's name: the repository and the target branch as tasks name it
// ("" = the upstream's default branch, resolved when the queue runs).
struct QueueKey {
  std::string repo_id;
  std::string target;
  auto operator<=>(const QueueKey&) const = default;
};

// The queues with approved tasks in them now.
Result<std::vector<QueueKey>> queues_with_work(store::Store& store);

// Each queue of `repo_id` ("" = every repository) that has tasks approved or
// in review: its tasks in order, each with why it waits.
Result<std::map<QueueKey, std::vector<QueuePlace>>> queues_of(store::Transaction& tx, const std::string& repo_id);

class MergeQueue {
 public:
  // Does not own `merger` or `board`.
  MergeQueue(Merger& merger, QueueBoard& board, QueueKey key);
  ~MergeQueue();  // stops the checks still running
  MergeQueue(const MergeQueue&) = delete;
  MergeQueue& operator=(const MergeQueue&) = delete;

  // Advances the queue until nothing in it can move without a person (every
  // ready task merged or gone), or `stop` is set. How many tasks left the
  // queue. An error: the repository's upstream failed (its caller backs off);
  // the tasks stay queued.
  Result<int> run(const std::atomic<bool>& stop);
  // Wakes run() from another thread (stop was set). Thread-safe.
  void wake();

 private:
  enum class Check { kChecking, kPassed, kFailed };
  struct Entry {
    TaskMerge merge;
    std::string onto;
    std::string commit;
    std::vector<std::string> ahead = {};  // the tasks whose changes `onto` holds, first to last
    Check check = Check::kChecking;
    std::unique_ptr<CheckJob> job = {};  // none: no check command, or nothing changed
    bool recorded = false;               // its check's end is in the event log (or it has none)
    std::string failure = {};            // a failed check: the check.failed payload (JSON), and why
    std::string failure_reason = {};
  };

  // The ready tasks in order; tasks a parent will never merge are held
  // (`left` counts them).
  Result<std::vector<std::string>> ready_tasks(int& left);
  // Finishes every merge a crash left half done among `ready`; true if there was one.
  Result<bool> resume_half_done(const RepoContext& repo, const std::vector<std::string>& ready, int& left);
  // Makes the chain match `ready` on `tip` up to the depth, building and
  // starting checks where it does not; true if a task left the queue instead.
  Result<bool> build_chain(const RepoContext& repo, const std::string& tip, const std::vector<std::string>& ready);
  Result<bool> add_entry(const RepoContext& repo, const std::string& task_id, const std::string& onto);
  // Drops the chain from `from` on, stopping its checks.
  void drop_from(size_t from);
  // Records each check that ended since the last look.
  Status collect_checks(const RepoContext& repo);
  Status end_failed_head();
  // The head's landing, with the passed tasks behind it up to the batch
  // size: how many tasks left the queue.
  Result<int> land_head(const RepoContext& repo, const std::string& tip);
  void show(const std::string& branch, const std::string& tip, int depth);
  // How the board shows an entry's check: checking, passed, failed, none.
  static const char* shown_state(const Entry& entry);
  void wait_for_a_check(const std::atomic<bool>& stop);

  Merger& merger_;
  QueueBoard& board_;
  QueueKey key_;
  std::vector<Entry> chain_;
  std::vector<std::unique_ptr<CheckJob>> stopped_;  // stopped checks, until their threads end
  int moved_attempts_ = 0;                          // landings of the head that found the upstream moved

  Mutex mutex_;
  std::condition_variable changed_;
  bool pinged_ CORRAL_GUARDED_BY(mutex_) = false;  // a check ended, or wake()
};

}  // namespace corral::merge
