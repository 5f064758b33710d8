// corral: queue coding tasks for agents, run them in hardened sandboxes, and
// see what they did. The subcommands are a table (name, summary, adder).
#include <CLI/CLI.hpp>

#include <array>

#include "cli/commands.h"
#include "cli/exit_status.h"
#include "core/logging.h"

namespace {

struct Command {
  const char* name;
  const char* summary;
  corral::cli::CommandAction (*add)(CLI::App&, const corral::cli::GlobalOptions&);
};

constexpr std::array<Command, 15> kCommands = {{
    {"run", "Run one task now, without a daemon: agent in a sandbox, changes on branch corral/<task>",
     corral::cli::add_run_command},
    {"serve", "Run the daemon: queue, scheduler and HTTP API", corral::cli::add_serve_command},
    {"task", "Submit, list, show, cancel, retry, roll back tasks and read their logs (daemon)",
     corral::cli::add_task_command},
    {"repo", "Register repositories, read and change their settings, move protected branches (daemon)",
     corral::cli::add_repo_command},
    {"review", "List, show, approve and reject diffs waiting for review (daemon)", corral::cli::add_review_command},
    {"queue", "Show the merge queues: each task's place, why it waits, what its check runs on (daemon)",
     corral::cli::add_queue_command},
    {"routing", "Replay a repository's history under proposed routing settings (daemon)",
     corral::cli::add_routing_command},
    {"policy", "Check a tool call or files against the rules; replay recent history under proposed settings",
     corral::cli::add_policy_command},
    {"kill", "Kill switches: stop every run, a repository's or an agent's, and start none (daemon)",
     corral::cli::add_kill_command},
    {"alert", "Alerts: list, show, acknowledge, resolve; webhook destinations and their test (daemon)",
     corral::cli::add_alert_command},
    {"scorecard",
     "Per repository and agent: merged without a person, false positives, time to remediate, cost, "
     "least privilege (daemon)",
     corral::cli::add_scorecard_command},
    {"token", "Create, list and revoke API tokens (daemon, admin)", corral::cli::add_token_command},
    {"events", "Print a task's events, or follow the daemon's live events", corral::cli::add_events_command},
    {"audit", "Check the event log's hash chain", corral::cli::add_audit_command},
    {"reconcile", "Remove sandboxes and worktrees left behind by runs that are gone",
     corral::cli::add_reconcile_command},
}};

}  // namespace

int main(int argc, char** argv) {
  corral::setup_logging();
  CLI::App app{"corral: many coding agents, each in its own box, none with the keys"};
  app.require_subcommand(1);
  corral::cli::GlobalOptions globals;
  app.add_option("--data-dir", globals.data_dir,
                 "Where corral keeps its state (default: $CORRAL_DATA_DIR, else ~/.local/share/corral)");

  std::vector<std::pair<CLI::App*, corral::cli::CommandAction>> actions;
  for (const Command& command : kCommands) {
    CLI::App* sub = app.add_subcommand(command.name, command.summary);
    actions.emplace_back(sub, command.add(*sub, globals));
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    int code = app.exit(error);
    return code == 0 ? 0 : static_cast<int>(corral::cli::ExitStatus::kBadInput);
  }
  for (auto& [sub, action] : actions) {
    if (sub->parsed()) return action();
  }
  return static_cast<int>(corral::cli::ExitStatus::kBadInput);
}
