// The subcommands of `corral`: each registers its options on a CLI11 app and
// returns the function that runs it (exit status as int).
#pragma once

#include <functional>
#include <string>

#include "admission/gateway_options.h"
#include "runner/workspace/workspace.h"

namespace CLI {
class App;
}

namespace corral::cli {

struct GlobalOptions {
  std::string data_dir;  // --data-dir; empty: $CORRAL_DATA_DIR or ~/.local/share/corral
};

using CommandAction = std::function<int()>;

CommandAction add_run_command(CLI::App& app, const GlobalOptions& globals);
CommandAction add_events_command(CLI::App& app, const GlobalOptions& globals);
CommandAction add_audit_command(CLI::App& app, const GlobalOptions& globals);
CommandAction add_reconcile_command(CLI::App& app, const GlobalOptions& globals);
CommandAction add_serve_command(CLI::App& app, const GlobalOptions& globals);
CommandAction add_task_command(CLI::App& app, const GlobalOptions& globals);
CommandAction add_repo_command(CLI::App& app, const GlobalOptions& globals);
CommandAction add_token_command(CLI::App& app, const GlobalOptions& globals);
CommandAction add_review_command(CLI::App& app, const GlobalOptions& globals);
CommandAction add_routing_command(CLI::App& app, const GlobalOptions& globals);
CommandAction add_kill_command(CLI::App& app, const GlobalOptions& globals);
CommandAction add_alert_command(CLI::App& app, const GlobalOptions& globals);
CommandAction add_scorecard_command(CLI::App& app, const GlobalOptions& globals);
CommandAction add_queue_command(CLI::App& app, const GlobalOptions& globals);
// `policy replay` (policy_replay_command.cpp), added to `policy`; sets `action` when chosen.
void add_policy_replay(CLI::App& policy, const GlobalOptions& globals, std::function<int()>& action);
CommandAction add_policy_command(CLI::App& app, const GlobalOptions& globals);

// Prints the daemon's live events (filters may be empty) until interrupted.
int follow_events(const GlobalOptions& globals, const std::string& task, const std::string& repo,
                  const std::string& type);

// The gateways' flags, the same on `corral serve` and `corral run`.
void add_gateway_flags(CLI::App& app, admission::GatewayFlags& flags);
// --workspace, --checkout-cache-size, --checkout-cache-hours: for serve and run.
void add_workspace_flags(CLI::App& app, runner::WorkspaceOptions& options);

// corral-supervisor beside the corral binary, unless $CORRAL_SUPERVISOR says otherwise.
std::string supervisor_path();

}  // namespace corral::cli
