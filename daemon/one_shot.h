// `corral run`: one task, start to end, in this process, without a daemon.
//
// Everything the user gave is checked before anything is written (repository,
// base revision, mounts, limits, gateway flags, runtime); then the task is
// recorded, admitted the way the daemon admits a run
// (admission/run_admission.h: the repository's tier, agent profile, tool
// gate, egress proxy, LLM gateway, budgets), run by runner/, and its outcome
// recorded. The events of the way: task.queued, task.started, task.routed,
// sandbox.created, agent.output…, sandbox.destroyed, diff.proposed,
// branch.published, task.finished | task.failed.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "admission/gateway_options.h"
#include "core/clock.h"
#include "routing/grant.h"
#include "runner/task_run.h"

namespace corral::daemon {

struct OneShotRequest {
  std::string data_dir;  // as the user gave it; prepared here
  std::string repo_path;
  std::string base_rev = "HEAD";
  std::string agent;  // an agent profile (claude-code, codex, ...) or a command line
  std::string prompt;
  std::vector<std::string> mounts;  // HOST_PATH[:SANDBOX_PATH], read-only
  routing::LimitRequest limits;     // held to the repository's tier, as the daemon holds a task's
  admission::GatewayFlags gateways;
  runner::WorkspaceOptions workspace;
  std::string backend = "auto";  // docker, runc, crun or auto (containers/backend_factory.h)
  std::string image;             // the sandbox image, for docker
  std::string supervisor_path;   // corral-supervisor on the host
  std::function<void(std::string_view)> echo_output;
};

struct OneShotResult {
  std::string task_id;
  std::string run_id;
  std::string repo_path;
  std::string base_rev;
  runner::RunResult run;
};

// An error Status means the request was bad (nothing was written) or corral
// could not do its part (the task is recorded as failed, with the reason).
Result<OneShotResult> run_one_shot(const OneShotRequest& request, const Clock& clock);

// Parses "HOST[:SANDBOX]" and checks both sides with policy/ (host path
// resolved first, so symlinks cannot smuggle a forbidden path in).
Result<containers::ReadOnlyMount> parse_mount(const std::string& text, const std::string& data_dir);

}  // namespace corral::daemon
