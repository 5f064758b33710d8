// One run of one task: workspace, sandbox, supervision, collection.
//
//   prepare  task branch corral/<task> at the base commit in the mirror, and
//            a workspace of it (workspace/workspace.h: an overlay on the
//            base's cached checkout, or a worktree), writable by the sandbox
//            user
//   run      the agent command under the supervisor in a hardened sandbox;
//            output streamed into agent.output events; the deadline enforced
//   collect  what the agent left becomes one commit on the task branch
//            (written by corral, not the agent), its diff, and the branch
//            published to the user's repository
//   clean    sandbox and workspace removed whatever happened
//
// The caller has validated the request (repository, base, mounts, limits) and
// synced the mirror; the caller records task-level events and states.
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "containers/sandbox_backend.h"
#include "core/clock.h"
#include "core/event.h"
#include "git/diff.h"
#include "runner/agent_stream.h"
#include "runner/gateways/run_gateways.h"
#include "runner/workspace/workspace.h"

namespace corral::runner {

// What the sandbox runs: the task's agent (its work is collected and
// published), or the repository's check command on a commit (only its exit
// and output matter; output goes to check.output events).
enum class RunPurpose { kAgent, kCheck };

struct RunRequest {
  RunPurpose purpose = RunPurpose::kAgent;
  std::string task_id;
  std::string run_id;
  std::string repo_id;
  std::string source_path;  // the user's repository, where the branch is published
  std::string mirror_path;
  std::string base_commit;    // 40 hex, present in the mirror
  std::string agent_command;  // a /bin/sh command line; the prompt is appended as "$@" (kCheck: the check command)
  std::string image;          // the sandbox image (Docker backend); empty for OCI runtimes
  std::string prompt;
  std::vector<containers::ReadOnlyMount> read_only_mounts;
  std::vector<std::string> extra_env;   // KEY=VALUE from the agent profile
  std::optional<StreamDialect> output;  // the agent CLI's stdout also read into agent.tool_use etc.
  // The run's ways out (egress proxy, LLM gateway, tool gate) in their own
  // directory; none: the sandbox reaches nothing at all.
  std::optional<GatewayPlan> gateways;
  containers::SandboxLimits limits;
  std::chrono::seconds timeout{600};
  std::string worktree_path;        // where /workspace is on the host; must not exist
  std::string layer_path;           // the run's overlay upper layer; must not exist
  std::string checkout_cache_path;  // cached checkouts for overlay workspaces; empty: a worktree
  WorkspaceOptions workspace;
  std::string supervisor_path;  // host path of corral-supervisor
  std::string mirror_lock_path;
  std::function<void(std::string_view)> echo_output;  // optional: show output live
  // Publish the branch of a run whose agent failed too (one-shot runs: the
  // user wants to see what happened). The daemon retries instead, so it
  // publishes only successes: a published branch is never overwritten.
  bool publish_when_failed = true;
  // Called as each stage begins ("prepare", "run", "collect"): progress for
  // the caller, and where crash tests stop the process.
  std::function<void(std::string_view stage)> on_stage;
  // Asked before the sandbox starts: true ends the run there (cancelled while
  // it was being prepared), with a failed_precondition Status.
  std::function<bool()> is_cancelled;
};

struct RunResult {
  containers::SandboxExit exit;
  std::string branch;  // corral/<task-id>
  std::string base_commit;
  std::string head_commit;  // == base_commit when the agent changed nothing
  bool changed = false;
  bool published = false;  // the branch now exists in the user's repository
  git::DiffSummary diff;
  std::string output_tail;      // the last lines the agent printed
  std::string stopped_because;  // corral stopped the run (a spent token budget)

  bool succeeded() const { return exit.succeeded() && stopped_because.empty(); }
  // One line for a person: why the run failed, or "agent succeeded".
  std::string reason() const;
};

// The branch a task's work lands on.
std::string task_branch(const std::string& task_id);

// The sandbox name of a run; run_of_sandbox inverts it ("" if not ours).
std::string sandbox_name(const std::string& run_id);
std::string run_of_sandbox(const std::string& sandbox_name);

// Runs the request to the end. An error Status means corral itself could not
// do its part (worktree, sandbox runtime, git); everything it made is removed
// then too. An agent that fails is not an error: see RunResult::exit.
Result<RunResult> run_task(const RunRequest& request, containers::SandboxBackend& backend, EventSink& events,
                           const Clock& clock);

}  // namespace corral::runner
