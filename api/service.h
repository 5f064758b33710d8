// The daemon's operations, without the network: what the HTTP API (and tests)
// call. Every method checks the caller's access first and changes nothing on
// error. Results are the API's JSON documents.
//
// Thread-safe: every method holds the store's lock for its reads and writes.
#pragma once

#include <nlohmann/json_fwd.hpp>

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/data_layout.h"
#include "merge/queue_board.h"
#include "policy/access.h"
#include "store/store.h"

namespace corral::api {

class Service {
 public:
  // Does not own `store`.
  Service(store::Store& store, DataLayout layout);

  // The caller a bearer token stands for; unauthenticated if it is missing,
  // unknown or revoked.
  Result<policy::Caller> authenticate(const std::string& bearer_token);

  // One task object, or {"tasks": [...]} whose tasks may name each other by
  // "ref" in "parents" (a cycle among them is refused).
  Result<nlohmann::json> submit(const policy::Caller& caller, const nlohmann::json& body);
  // {"tasks": [...], "total": tasks matching the filter, "offset": filter.offset}.
  Result<nlohmann::json> list_tasks(const policy::Caller& caller, store::TaskFilter filter);
  Result<nlohmann::json> show_task(const policy::Caller& caller, const std::string& id);
  // The stack `id` belongs to: every task linked to it through parents and
  // children, transitively (at most kStackLimit), each {"id", "state",
  // "prompt", "agent", "parents"}; "truncated" when there were more.
  static constexpr size_t kStackLimit = 500;
  Result<nlohmann::json> stack(const policy::Caller& caller, const std::string& id);
  Result<nlohmann::json> cancel(const policy::Caller& caller, const std::string& id);
  Result<nlohmann::json> retry(const policy::Caller& caller, const std::string& id);

  Result<nlohmann::json> add_repo(const policy::Caller& caller, const nlohmann::json& body);
  Result<nlohmann::json> list_repos(const policy::Caller& caller);

  Result<nlohmann::json> create_token(const policy::Caller& caller, const nlohmann::json& body);
  Result<nlohmann::json> list_tokens(const policy::Caller& caller);
  Result<nlohmann::json> revoke_token(const policy::Caller& caller, const std::string& id);

  // Events after `after` the caller may read, as {"events": [...], "last": N}.
  Result<nlohmann::json> events(const policy::Caller& caller, int64_t after, const store::EventLog::Filter& filter,
                                int limit);

  // The newest event's seq: where a stream that wants only what comes next starts.
  Result<int64_t> last_event_seq();

  // Called (outside the lock) when a running task is cancelled: the daemon
  // stops its sandbox.
  void set_cancel_hook(std::function<void(const std::string& task_id)> hook) { cancel_hook_ = std::move(hook); }

  // What GET /metrics answers (the Prometheus text), set by the daemon;
  // unset: not_found.
  void set_metrics_source(std::function<Result<std::string>()> source) { metrics_source_ = std::move(source); }
  // For unscoped readers: the metrics cover every repository.
  Result<std::string> metrics(const policy::Caller& caller);
  // What the daemon's merge queues are doing (checks, backoff), for /v1/queues; unset: the order only.
  void set_queue_board(const merge::QueueBoard* board) { queue_board_ = board; }
  const merge::QueueBoard* queue_board() const { return queue_board_; }

  // A `repo` filter as callers give it, an id or a registered path, as its
  // id; "" stays "" (no filter); not_found names one that is not registered.
  Result<std::string> resolve_repo(const std::string& repo);

  // For the other desks the API routes to.
  // The event chain walked from the start (`corral audit verify`): readers of every repository.
  Result<nlohmann::json> audit(const policy::Caller& caller);

  store::Store& store() { return store_; }
  const DataLayout& layout() const { return layout_; }

 private:
  // The revision a task starts from unless told otherwise: the tip of the
  // branch it will merge into (the upstream's default: HEAD).
  static std::string tip_of(const std::string& target_branch) { return target_branch.empty() ? "HEAD" : target_branch; }
  // Each runs under the caller's Transaction (submission.cpp).
  Result<std::string> repo_id_for(store::Transaction& tx, const std::string& repo);
  Status check_base(store::Transaction& tx, const std::string& repo_id, const std::string& base,
                    const std::string& what);
  Status check_agent_allowed(store::Transaction& tx, const std::string& repo_id, const std::string& agent,
                             const std::string& what);
  Result<store::NewTask> new_task(store::Transaction& tx, const policy::Caller& caller, const nlohmann::json& item,
                                  const std::string& what);
  Status link_parents(store::Transaction& tx, std::vector<store::NewTask>& tasks,
                      const std::map<std::string, std::string>& id_of_ref);
  Result<nlohmann::json> store_submission(store::Transaction& tx, const std::vector<store::NewTask>& tasks);
  Result<nlohmann::json> task_json(store::Transaction& tx, const store::QueuedTask& task);

  store::Store& store_;
  DataLayout layout_;
  std::function<void(const std::string&)> cancel_hook_;
  std::function<Result<std::string>()> metrics_source_;
  const merge::QueueBoard* queue_board_ = nullptr;
};

// Maps a Status code to the HTTP status the API answers with.
int http_status_for(const Status& status);

}  // namespace corral::api
