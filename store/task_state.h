// A task's stored states, and what each means to the tasks that build on it.
// The states are stored by name (tasks.state); TaskState is how code speaks of them.
#pragma once

#include <string>

namespace corral::store {

// The stored task states. After a run succeeds the commit step takes over:
// succeeded -> review -> merging -> merged, or refused (diff rules), rejected
// (a reviewer), conflicted, checks_failed, merge_failed; merged -> rolled_back.
enum class TaskState {
  kQueued, kRunning, kSucceeded, kFailed, kRejected, kRolledBack, kCancelled, kHeld,
  kReview, kMerging, kMerged, kRefused, kConflicted, kChecksFailed, kMergeFailed
};

// "rolled back", for messages.
const char* state_name(TaskState state);
// The state stored as `name` ("rolled_back"); kFailed for a name it does not know.
TaskState parse_state(const std::string& name);
// A task in this state has a branch its dependents may build on.
bool has_usable_branch(TaskState state);
// A task in this state ended without its work standing: its dependents are held.
bool blocks_dependents(TaskState state);

}  // namespace corral::store
