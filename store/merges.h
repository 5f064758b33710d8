// The merge intent log: what the commit step is about to do to a shared
// branch, written before it does it, so a restart can tell whether a merge
// happened (and never applies a task twice).
//
//   pending --prepare(old, new)--> prepared --(ref moved)--> advanced
//      ^                              |                          |
//      +------ retry (upstream moved) +                (published) v
//                                                              done
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "store/database.h"

namespace corral::store {

// Where a merge stands (the diagram above). A task whose merge ends without
// landing (conflict, failed check) goes back to pending, so a later merge of
// the same task starts from the beginning.
enum class MergeState { kPending, kPrepared, kAdvanced, kDone };

// The name stored in merges.state: "pending", "prepared", "advanced", "done".
const char* stored_name(MergeState state);

struct MergeRecord {
  std::string task_id;
  std::string repo_id;
  std::string branch;
  MergeState state = MergeState::kPending;
  std::string old_tip;  // the shared branch before (prepared and later)
  std::string new_tip;  // the shared branch after
  int attempts = 0;
  std::string updated_at;
};

class MergeLog {
 public:
  MergeLog(Database& db, const Clock& clock) : db_(db), clock_(clock) {}

  // The task's merge record, created as pending if it has none.
  Result<MergeRecord> open(const std::string& task_id, const std::string& repo_id, const std::string& branch);
  Result<std::optional<MergeRecord>> find(const std::string& task_id);
  // Moves the record to `state` with the tips given; counts an attempt when
  // the state is prepared.
  Status set(const std::string& task_id, MergeState state, const std::string& old_tip, const std::string& new_tip);

 private:
  Database& db_;
  const Clock& clock_;
};

}  // namespace corral::store
