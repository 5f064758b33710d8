// The two ends of a run, shared by `corral run` and the daemon: what the
// daemon hands runner/ (a RunRequest from a task, its repository and
// its grant), and what it records of the result (the run row and the payload
// of task.finished / task.failed).
#pragma once

#include <nlohmann/json_fwd.hpp>

#include <string>

#include "core/data_layout.h"
#include "routing/grant.h"
#include "runner/task_run.h"
#include "store/records.h"

namespace corral::admission {

struct RunInputs {
  std::string task_id;
  std::string run_id;
  std::string base_commit;
  std::string agent_command;
  std::string prompt;
  std::string image;  // docker backend only
  std::string supervisor_path;
  routing::Grant grant;
  runner::WorkspaceOptions workspace;
};

// Every field a run needs; callers add their hooks (echo, mounts, stage callbacks).
runner::RunRequest make_run_request(const DataLayout& layout, const store::RepoRecord& repo, const RunInputs& inputs);

// The run row for a run that ended with `result`, in `state` (succeeded, failed, cancelled).
store::RunRecord finished_run(const std::string& run_id, const runner::RunResult& result, const std::string& state);

// exit code, reason, changed, head; branch when changed; timed_out / oom_killed
// when set; the end of the agent's output when it failed.
nlohmann::json outcome_payload(const runner::RunResult& result);

}  // namespace corral::admission
