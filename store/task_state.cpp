#include "store/task_state.h"

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

const char* state_name(TaskState state) {
  for (const StateName& name : kStateNames) {
    if (name.state == state) return name.display;
  }
  return "unknown";
}

TaskState parse_state(const std::string& stored) {
  for (const StateName& name : kStateNames) {
    if (stored == name.stored) return name.state;
  }
  return TaskState::kFailed;
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
