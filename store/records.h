// The records of work besides the queue itself (store/task_queue.h):
// repositories corral knows, and runs (attempts) of tasks. Typed queries; no
// SQL leaves store/.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "store/database.h"

namespace corral::store {

struct RepoRecord {
  std::string id;
  std::string source_path;  // absolute path of the user's repository
  std::string mirror_path;  // bare mirror under the data directory
  std::string created_at;
  std::string settings = "{}";  // JSON, validated by settings/repo_settings
};

// Run states (and the task states they end in), as stored.
namespace state {
inline constexpr const char* kQueued = "queued";
inline constexpr const char* kRunning = "running";
inline constexpr const char* kSucceeded = "succeeded";
inline constexpr const char* kFailed = "failed";
}  // namespace state

struct RunRecord {
  std::string id;
  std::string task_id;
  std::string state;
  std::string base_commit;
  std::string head_commit;
  std::optional<int64_t> exit_code;
  std::string reason;
  std::string started_at;
  std::optional<std::string> finished_at;
};

class Records {
 public:
  // Does not own `db` or `clock`.
  Records(Database& db, const Clock& clock) : db_(db), clock_(clock) {}

  // The repository registered for `source_path`, registering it (with a new
  // id and the mirror path `mirror_path_for(id)`) if it is not yet known.
  Result<RepoRecord> ensure_repo(const std::string& source_path,
                                 const std::function<std::string(const std::string&)>& mirror_path_for);
  Result<std::optional<RepoRecord>> find_repo(const std::string& repo_id);
  // not_found if the repository does not exist.
  Status set_repo_settings(const std::string& repo_id, const std::string& settings_json);

  Status insert_run(const RunRecord& run);
  Status finish_run(const RunRecord& run);  // state, commits, exit code, reason; sets finished_at
  Result<std::optional<RunRecord>> find_run(const std::string& run_id);
  Result<std::vector<RunRecord>> runs_of_task(const std::string& task_id);
  Result<std::vector<RepoRecord>> repos();
  // Runs that were started and never finished (their process may be gone).
  Result<std::vector<RunRecord>> unfinished_runs();

 private:
  Database& db_;
  const Clock& clock_;
};

}  // namespace corral::store
