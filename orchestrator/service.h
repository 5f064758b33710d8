// The daemon's operations, without the network: what the HTTP API (and tests)
// call. Every method checks the caller's access first and changes nothing on
// error. Results are the API's JSON documents.
//
// Thread-safe: one mutex guards the database connection (SQLite, WAL).
#pragma once

#include <nlohmann/json_fwd.hpp>

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/clock.h"
#include "orchestrator/access.h"
#include "orchestrator/data_layout.h"
#include "store/event_log.h"
#include "store/merges.h"
#include "store/outcomes.h"
#include "store/records.h"
#include "store/reviews.h"
#include "store/task_queue.h"
#include "store/tokens.h"

namespace corral::orchestrator {

class Service {
 public:
  Service(DataLayout layout, std::unique_ptr<store::Database> db, const Clock& clock);

  // The caller a bearer token stands for; unauthenticated if it is missing,
  // unknown or revoked.
  Result<Caller> authenticate(const std::string& bearer_token);

  // One task object, or {"tasks": [...]} whose tasks may name each other by
  // "ref" in "parents" (a cycle among them is refused).
  Result<nlohmann::json> submit(const Caller& caller, const nlohmann::json& body);
  Result<nlohmann::json> list_tasks(const Caller& caller, const store::TaskFilter& filter);
  Result<nlohmann::json> show_task(const Caller& caller, const std::string& id);
  Result<nlohmann::json> cancel(const Caller& caller, const std::string& id);
  Result<nlohmann::json> retry(const Caller& caller, const std::string& id);

  Result<nlohmann::json> add_repo(const Caller& caller, const nlohmann::json& body);
  Result<nlohmann::json> list_repos(const Caller& caller);

  Result<nlohmann::json> create_token(const Caller& caller, const nlohmann::json& body);
  Result<nlohmann::json> list_tokens(const Caller& caller);
  Result<nlohmann::json> revoke_token(const Caller& caller, const std::string& id);

  // Events after `after` the caller may read, as {"events": [...], "last": N}.
  Result<nlohmann::json> events(const Caller& caller, int64_t after, const store::EventLog::Filter& filter, int limit);

  // Called (outside the lock) when a running task is cancelled: the daemon
  // stops its sandbox.
  void set_cancel_hook(std::function<void(const std::string& task_id)> hook) { cancel_hook_ = std::move(hook); }

  // The store, for the daemon's scheduler and workers, only under with_store.
  struct Store {
    store::Database& db;
    store::Records& records;
    store::TaskQueue& queue;
    store::EventLog& events;
    store::Reviews& reviews;
    store::MergeLog& merges;
    store::Outcomes& outcomes;
  };

  // Runs `body(Store&)` under the lock.
  template <typename Body>
  auto with_store(Body body) {
    std::lock_guard lock(mutex_);
    Store store{*db_, records_, queue_, events_, reviews_, merges_, outcomes_};
    return body(store);
  }

  const DataLayout& layout() const { return layout_; }
  const Clock& clock() const { return clock_; }

 private:
  Result<std::string> repo_id_for(const std::string& repo);
  Status check_agent_allowed(const std::string& repo_id, const std::string& agent, const std::string& what);
  Result<store::NewTask> new_task(const Caller& caller, const nlohmann::json& item, const std::string& what);
  Status link_parents(std::vector<store::NewTask>& tasks, const std::map<std::string, std::string>& id_of_ref);
  Result<nlohmann::json> store_submission(const std::vector<store::NewTask>& tasks);
  Status record(const std::string& type, const store::QueuedTask& task, const nlohmann::json& payload);
  Result<nlohmann::json> task_json(const store::QueuedTask& task);

  DataLayout layout_;
  std::unique_ptr<store::Database> db_;
  const Clock& clock_;
  std::mutex mutex_;  // guards db_ and everything below
  store::Records records_;
  store::TaskQueue queue_;
  store::Tokens tokens_;
  store::EventLog events_;
  store::Reviews reviews_;
  store::MergeLog merges_;
  store::Outcomes outcomes_;
  std::function<void(const std::string&)> cancel_hook_;
};

// Maps a Status code to the HTTP status the API answers with.
int http_status_for(const Status& status);

}  // namespace corral::orchestrator
