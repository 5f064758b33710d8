#include "store/task_state.h"

#include <nlohmann/json.hpp>

namespace corral::store {
namespace {

struct StateName {
  TaskState state;
  const char* stored;
  const char* display;
};

constexpr StateName kStateNames[] = {
    {TaskState::kQueued, "queued", "queued"},
    {TaskState::kRunning, "running", "running"},
    {TaskState::kSucceeded, "succeeded", "succeeded"},
    {TaskState::kFailed, "failed", "failed"},
    {TaskState::kRejected, "rejected", "rejected"},
    {TaskState::kRolledBack, "rolled_back", "rolled back"},
    {TaskState::kCancelled, "cancelled", "cancelled"},
    {TaskState::kHeld, "held", "held"},
    {TaskState::kReview, "review", "in review"},
    {TaskState::kMerging, "merging", "merging"},
    {TaskState::kMerged, "merged", "merged"},
    {TaskState::kRefused, "refused", "refused by the diff rules"},
    {TaskState::kConflicted, "conflicted", "in conflict"},
    {TaskState::kChecksFailed, "checks_failed", "failed its checks"},
    {TaskState::kMergeFailed, "merge_failed", "failed to merge"},
};

}  // namespace

const char* stored_name(TaskState state) {
  for (const StateName& name : kStateNames) {
    if (name.state == state) return name.stored;
  }
  return "unknown";
}

const char* state_name(TaskState state) {
  for (const StateName& name : kStateNames) {
    if (name.state == state) return name.display;
  }
  return "unknown";
}

std::optional<TaskState> parse_state(std::string_view stored) {
  for (const StateName& name : kStateNames) {
    if (stored == name.stored) return name.state;
  }
  return std::nullopt;
}

void to_json(nlohmann::json& out, TaskState state) { out = stored_name(state); }

bool is_legal_move(TaskState from, TaskState to) {
  using S = TaskState;
  switch (from) {
    case S::kQueued:
      return to == S::kRunning || to == S::kHeld || to == S::kCancelled || to == S::kFailed;
    case S::kRunning:
      return to == S::kSucceeded || to == S::kFailed || to == S::kCancelled || to == S::kQueued;
    case S::kSucceeded:
      return to == S::kReview || to == S::kMerging || to == S::kRefused || to == S::kMergeFailed;
    case S::kReview:
      return to == S::kMerging || to == S::kRejected;
    case S::kMerging:
      return to == S::kMerged || to == S::kReview || to == S::kConflicted || to == S::kChecksFailed ||
             to == S::kRefused || to == S::kMergeFailed || to == S::kHeld;
    case S::kMerged:
      return to == S::kRolledBack;
    case S::kHeld:
      return to == S::kQueued || to == S::kCancelled;
    case S::kFailed:
    case S::kCancelled:
    case S::kConflicted:
    case S::kChecksFailed:
    case S::kMergeFailed:
      return to == S::kQueued;
    case S::kRejected:
    case S::kRolledBack:
    case S::kRefused:
      return false;
  }
  return false;
}

bool has_usable_branch(TaskState state) {
  return state == TaskState::kSucceeded || state == TaskState::kReview || state == TaskState::kMerging ||
         state == TaskState::kMerged;
}

bool blocks_dependents(TaskState state) {
  switch (state) {
    case TaskState::kFailed:
    case TaskState::kRejected:
    case TaskState::kRolledBack:
    case TaskState::kCancelled:
    case TaskState::kHeld:
    case TaskState::kRefused:
    case TaskState::kConflicted:
    case TaskState::kChecksFailed:
    case TaskState::kMergeFailed:
      return true;
    default:
      return false;
  }
}

}  // namespace corral::store
