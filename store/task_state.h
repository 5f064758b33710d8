// A task's states, the moves between them, and what each means to the tasks
// that build on it. Stored by name (tasks.state); code speaks of them only
// through TaskState, and TaskQueue::transition refuses (asserts) any move not
// in the table of legal moves.
//
//   queued --> running --> succeeded | failed | cancelled
//     ^  \        |
//     |   held    +--> queued   (corral's own failure or a crash, within max attempts)
//     +-- failed | cancelled | held | conflicted | checks_failed | merge_failed   (retry)
//   succeeded --> review | merging | refused | merge_failed   (the commit step's proposal)
//   review --> merging | rejected                     (reviewers)
//   merging --> merged | review | conflicted | checks_failed | refused | merge_failed
//   merging --> held                                  (a parent that will never merge)
//   merged --> rolled_back
//   queued | held | running --> cancelled;   queued --> failed  (corral run: it could not start)
#pragma once

#include <nlohmann/json_fwd.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace corral::store {

enum class TaskState {
  kQueued,
  kRunning,
  kSucceeded,
  kFailed,
  kRejected,
  kRolledBack,
  kCancelled,
  kHeld,
  kReview,
  kMerging,
  kMerged,
  kRefused,
  kConflicted,
  kChecksFailed,
  kMergeFailed
};

// The name stored and shown in the API: "rolled_back".
const char* stored_name(TaskState state);
// For messages: "rolled back", "in review".
const char* state_name(TaskState state);
// The state stored as `name`; nullopt for a name that is none.
std::optional<TaskState> parse_state(std::string_view name);

// In JSON a state is its stored name (found by nlohmann's ADL lookup).
void to_json(nlohmann::json& out, TaskState state);

// True if a task may move from `from` to `to` (the table above).
bool is_legal_move(TaskState from, TaskState to);

// A task in this state has a branch its dependents may build on.
bool has_usable_branch(TaskState state);
// A task in this state ended without its work standing: its dependents are held.
bool blocks_dependents(TaskState state);

}  // namespace corral::store
