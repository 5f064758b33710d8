// The merge queues as people see them (corral queue show, GET /v1/queues):
// for each queue (repository and target branch) its tasks in order, each
// with why it waits or what its check runs on (the tip, or the tasks ahead),
// and the queue's backoff when its upstream fails. The order comes from the
// store (queue_order.h), so it shows even when no daemon runs; the live
// checks and backoff come from the daemon's QueueBoard.
#pragma once

#include <nlohmann/json_fwd.hpp>

#include <string>

#include "merge/queue_board.h"
#include "policy/access.h"
#include "store/store.h"

namespace corral::merge {

class QueueDesk {
 public:
  // Does not own `store` or `board` (none: no daemon's view).
  QueueDesk(store::Store& store, const QueueBoard* board) : store_(store), board_(board) {}

  // {"queues": [...]} the caller may read: of `repo_id` ("" = every one),
  // and of `branch` ("" = every one; a target as tasks name it, or the branch
  // it resolved to).
  Result<nlohmann::json> show(const policy::Caller& caller, const std::string& repo_id, const std::string& branch);

 private:
  store::Store& store_;
  const QueueBoard* board_;
};

}  // namespace corral::merge
