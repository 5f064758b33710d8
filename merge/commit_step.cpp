#include "merge/commit_step.h"

#include <atomic>

#include "merge/merge_queue.h"

namespace corral::merge {

CommitStep::CommitStep(store::Store& store, DataLayout layout, containers::SandboxBackend& backend,
                       MergerOptions options)
    : store_(store), merger_(store, std::move(layout), backend, std::move(options)) {}

Result<bool> CommitStep::work_once() {
  auto proposed = propose_next();
  if (!proposed.is_ok() || *proposed) return proposed;
  auto keys = queues_with_work(store_);
  if (!keys.is_ok()) return keys.status();
  const std::atomic<bool> never{false};
  for (const QueueKey& key : *keys) {
    MergeQueue queue(merger_, board_, key);
    auto left = queue.run(never);
    if (!left.is_ok()) return left.status();
    if (*left > 0) return true;
  }
  return false;
}

Result<int> CommitStep::propose_all() {
  int proposed = 0;
  for (;;) {
    auto next = propose_next();
    if (!next.is_ok()) return next.status();
    if (!*next) return proposed;
    ++proposed;
  }
}

}  // namespace corral::merge
