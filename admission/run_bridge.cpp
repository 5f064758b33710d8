#include "admission/run_bridge.h"

#include <nlohmann/json.hpp>

namespace corral::admission {

runner::RunRequest make_run_request(const DataLayout& layout, const store::RepoRecord& repo, const RunInputs& inputs) {
  runner::RunRequest request;
  request.task_id = inputs.task_id;
  request.run_id = inputs.run_id;
  request.repo_id = repo.id;
  request.source_path = repo.source_path;
  request.mirror_path = repo.mirror_path;
  request.base_commit = inputs.base_commit;
  request.agent_command = inputs.agent_command;
  request.image = inputs.image;
  request.prompt = inputs.prompt;
  const routing::SandboxLimits& limits = inputs.grant.limits;
  request.limits = {limits.memory_bytes, limits.pids, limits.cpus};
  request.timeout = limits.timeout;
  request.worktree_path = layout.worktree(inputs.run_id);
  request.layer_path = layout.layer(inputs.run_id);
  request.checkout_cache_path = layout.checkouts();
  request.workspace = inputs.workspace;
  request.supervisor_path = inputs.supervisor_path;
  request.mirror_lock_path = layout.mirror_lock(repo.id);
  return request;
}

store::RunRecord finished_run(const std::string& run_id, const runner::RunResult& result, const std::string& state) {
  store::RunRecord run;
  run.id = run_id;
  run.state = state;
  run.base_commit = result.base_commit;
  run.head_commit = result.head_commit;
  run.exit_code = result.exit.exit_code;
  run.reason = result.reason();
  return run;
}

nlohmann::json outcome_payload(const runner::RunResult& result) {
  nlohmann::json payload = {{"exit_code", result.exit.exit_code},
                            {"reason", result.reason()},
                            {"changed", result.changed},
                            {"head", result.head_commit}};
  if (result.changed) payload["branch"] = result.branch;
  if (result.exit.timed_out) payload["timed_out"] = true;
  if (result.exit.oom_killed) payload["oom_killed"] = true;
  if (!result.succeeded() && !result.output_tail.empty()) payload["output_tail"] = result.output_tail;
  return payload;
}

}  // namespace corral::admission
