// The daemon's queue of tasks: submission (idempotent by key, with the tasks
// it builds on, all in one transaction), reads, and state changes that are
// compare-and-swap on the current state, so no task starts twice.
#pragma once

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "store/database.h"
#include "store/task_state.h"

namespace corral::store {

struct NewTask {
  std::string id;  // chosen by the caller (core/ids)
  std::string repo_id;
  std::string prompt;
  std::string agent;
  std::string base_rev = "HEAD";
  std::string target_branch;    // the shared branch the commit step merges into ("" = the upstream's default)
  std::string submitter;        // token name or local user
  std::string idempotency_key;  // "" for none
  int priority = 0;
  int64_t timeout_seconds = 600;
  int64_t budget_tokens = 0;  // the task's own LLM budget (0: none; the repository's applies too)
  int64_t budget_calls = 0;
  std::vector<std::string> parents;  // existing task ids, in order (the first gives the base)
};

struct QueuedTask {
  std::string id;
  std::string repo_id;
  std::string prompt;
  std::string agent;
  std::string base_rev;
  std::string target_branch;
  TaskState state = TaskState::kQueued;
  std::string reason;
  std::string submitter;
  std::string idempotency_key;
  int priority = 0;
  int attempts = 0;
  int64_t timeout_seconds = 600;
  int64_t budget_tokens = 0;
  int64_t budget_calls = 0;
  int64_t seq = 0;
  std::string created_at;
  std::string updated_at;
  std::vector<std::string> parents;
};

// A task as a scheduling pass sees it: no prompt, no history.
struct TaskSummary {
  std::string id;
  std::string repo_id;
  std::string agent;
  int priority = 0;
  int64_t seq = 0;
  TaskState state = TaskState::kQueued;
  std::vector<std::string> parents;  // in order
};

// Which queued tasks a pass may start: none from these repositories, agents
// or tasks, and at most `candidates` of them.
struct CandidateFilter {
  std::vector<std::string> full_repos;
  std::vector<std::string> full_agents;
  std::vector<std::string> excluded_tasks;
  int candidates = 0;
};

struct Submission {
  QueuedTask task;
  bool created = false;  // false: the idempotency key named an existing task
};

struct TaskFilter {
  std::string repo_id;             // "" for any
  std::optional<TaskState> state;  // none for any
  int limit = 100;
  std::string agent = {};      // "" for any
  std::string submitter = {};  // "" for any
  int offset = 0;              // rows skipped: a page of a long list
  bool newest_first = false;   // otherwise in submission order
};

class TaskQueue {
 public:
  TaskQueue(Database& db, const Clock& clock) : db_(db), clock_(clock) {}

  // Inserts the tasks in order, all or none, inside the caller's transaction
  // if there is one. A task whose idempotency key exists returns the stored
  // task instead (created=false). not_found if a parent does not exist.
  Result<std::vector<Submission>> submit(const std::vector<NewTask>& tasks);

  Result<std::optional<QueuedTask>> find(const std::string& id);
  Result<std::vector<QueuedTask>> list(const TaskFilter& filter);
  // The ids of the tasks that name `id` as a parent, in submission order.
  Result<std::vector<std::string>> children(const std::string& id);
  // How many tasks match the filter (its limit and offset aside).
  Result<int64_t> count(const TaskFilter& filter);
  // The ids and states (stored names) of `repo_id`'s tasks in any of `states`, at most `limit`.
  Result<std::vector<std::pair<std::string, std::string>>> in_states(const std::string& repo_id,
                                                                     const std::vector<TaskState>& states, int limit);
  // How many tasks are in each state that has any (stored names).
  Result<std::vector<std::pair<std::string, int64_t>>> count_by_state();
  // What a scheduling pass decides on, never the whole queue (scheduling_snapshot.cpp):
  // the running tasks;
  Result<std::vector<TaskSummary>> running_tasks();
  // those, the queued tasks a parent blocks (to be held), the first queued
  // tasks whose parents all have usable branches, by priority then
  // submission, as `filter` allows; and the parents of all of them.
  Result<std::vector<TaskSummary>> scheduling_snapshot(const CandidateFilter& filter);

  // Moves `id` to `to` only if its state is one of `from`; failed_precondition
  // (naming the actual state) otherwise. Nothing changes on failure. A move
  // task_state.h does not allow is a bug in the caller: internal.
  Status transition(const std::string& id, const std::vector<TaskState>& from, TaskState to, const std::string& reason);
  Status count_attempt(const std::string& id);
  // A run that ended because corral stopped was not the task's attempt.
  Status forgive_attempt(const std::string& id);
  // The revision the task's next run starts from.
  Status set_base_rev(const std::string& id, const std::string& base_rev);
  // The agent routing chose for a task submitted without one.
  Status set_agent(const std::string& id, const std::string& agent);
  // Makes `replacement` the parent, in `parent`'s place, of every child of
  // `parent` in one of `states` (a follow-up task takes over a conflicted
  // one's place in the DAG); how many children moved.
  Result<int> replace_parent(const std::string& parent, const std::string& replacement,
                             const std::vector<TaskState>& states);

  // Called after every submission and state change (inside the caller's
  // transaction, under the Store's lock: it must only wake someone up). Set
  // through Store::set_task_listener, which holds that lock.
  void set_change_listener(std::function<void()> listener) { on_change_ = std::move(listener); }

 private:
  // `order_and_offset` follows WHERE: " ORDER BY seq" by default.
  Result<std::vector<QueuedTask>> query(const std::string& where, const std::vector<std::string>& args, int limit,
                                        const std::string& order = " ORDER BY seq", int64_t offset = 0);
  Result<std::vector<TaskSummary>> summaries(const std::string& where, const std::vector<std::string>& args);
  Status add_parents(std::vector<TaskSummary>& tasks);
  Status load_parents(std::vector<QueuedTask>& tasks);

  void changed() const {
    if (on_change_) on_change_();
  }

  Database& db_;
  const Clock& clock_;
  std::function<void()> on_change_;
};

}  // namespace corral::store
