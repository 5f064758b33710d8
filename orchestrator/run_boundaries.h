// A run's boundaries, put on its RunRequest before it starts: the agent
// profile (program, environment, files), the tool gate with the owner's
// enforcement, the egress proxy with the owner's allowlist (when the grant
// allows network: not at the observe tier), and the LLM gateway with the
// provider the operator configured, a fresh run token and the budgets the run
// is under.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "orchestrator/boundary_settings.h"
#include "runner/gateways/host_resolver.h"
#include "runner/gateways/llm_gateway.h"
#include "runner/task_run.h"

namespace corral::orchestrator {

// A program an agent profile runs, from the host: a single executable
// (Claude Code's native binary), or a folder with the program inside it (an
// npm package's node_modules, for a Node CLI that the sandbox's node runs).
struct AgentTool {
  std::string host_path;  // the file, or the folder
  std::string entry;      // "" for a file; the program's path inside the folder
};

// The operator's part, from `corral serve`.
struct GatewayOptions {
  std::map<std::string, runner::LlmProvider> providers;  // by name: "anthropic", "openai", "gemini"
  runner::FixedHosts egress_hosts;                        // names the proxy resolves itself
  std::map<std::string, AgentTool> agent_tools;           // by program (claude, gemini)
};

struct RunBoundaryInputs {
  std::string agent;  // a profile name or a command line
  bool network = false;  // the grant's
  BoundarySettings settings;
  std::vector<std::shared_ptr<runner::TokenBudget>> budgets;
  std::string run_dir;
};

// Sets request.agent_command (a profile's), extra_env, read_only_mounts,
// gateways and run_dir. failed_precondition if the profile needs a model
// provider the daemon was not given.
Status apply_run_boundaries(runner::RunRequest& request, const RunBoundaryInputs& inputs, const GatewayOptions& options);

// "NAME=URL" style operator flags, checked: the provider map from
// --llm NAME=URL, --llm-key NAME=env:VAR|file:PATH and --llm-ca NAME=FILE.
Result<std::map<std::string, runner::LlmProvider>> parse_providers(const std::vector<std::string>& urls,
                                                                    const std::vector<std::string>& keys,
                                                                    const std::vector<std::string>& ca_files);
// --egress-host NAME=ADDRESS[,ADDRESS...]
Result<runner::FixedHosts> parse_fixed_hosts(const std::vector<std::string>& entries);
// --agent-tool PROGRAM=FILE or PROGRAM=FOLDER:ENTRY (ENTRY executable inside FOLDER)
Result<std::map<std::string, AgentTool>> parse_agent_tools(const std::vector<std::string>& entries);

}  // namespace corral::orchestrator
