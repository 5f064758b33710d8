// `corral events`, `corral audit verify`, `corral reconcile`.
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <iostream>
#include <memory>

#include "cli/api_access.h"
#include "cli/commands.h"
#include "cli/event_printing.h"
#include "cli/exit_status.h"
#include "cli/terminal_text.h"
#include "core/visible_text.h"
#include "daemon/history.h"

namespace corral::cli {
namespace {

// The stored view, with its place in the chain.
nlohmann::json chained_event_json(const store::StoredEvent& stored) {
  nlohmann::json out = store::event_json(stored);
  out["hash"] = stored.hash;
  return out;
}

}  // namespace

CommandAction add_events_command(CLI::App& app, const GlobalOptions& globals) {
  struct Options {
    std::string task;
    bool json = false;
    bool follow = false;
    std::string repo;
    std::string type;
  };
  auto options = std::make_shared<Options>();
  app.add_option("task", options->task, "The task id (t-…); optional with --follow");
  app.add_flag("--json", options->json, "One JSON object per line");
  app.add_flag("--follow,-f", options->follow, "Live events from the daemon (filters: TASK, --repo, --type)");
  app.add_option("--repo", options->repo, "With --follow: only this repository's events");
  app.add_option("--type", options->type, "With --follow: only this type, or a prefix ending in '.' (task.)");
  return [options, &globals] {
    if (options->follow) {
      auto repo = repo_id_of(globals, options->repo);
      if (!repo.is_ok()) return report_error(repo.status());
      return follow_events(globals, options->task, *repo, options->type);
    }
    if (options->task.empty()) return report_error(Status::invalid_argument("name a task, or use --follow"));
    auto events = daemon::task_events(globals.data_dir, options->task);
    if (!events.is_ok()) return report_error(events.status());
    for (const auto& stored : *events) {
      if (options->json) {
        std::cout << exact_json(chained_event_json(stored)) << "\n";
      } else {
        print_event(chained_event_json(stored));
      }
    }
    return static_cast<int>(ExitStatus::kSuccess);
  };
}

CommandAction add_audit_command(CLI::App& app, const GlobalOptions& globals) {
  auto json = std::make_shared<bool>(false);
  app.require_subcommand(1);
  CLI::App* verify = app.add_subcommand("verify", "Walk the whole event chain and name the first broken link");
  verify->add_flag("--json", *json, "Print one JSON object");
  return [json, &globals] {
    auto report = daemon::verify_audit(globals.data_dir);
    if (!report.is_ok()) return report_error(report.status());
    if (*json) {
      std::cout << nlohmann::json{{"intact", report->intact},
                                  {"events_checked", report->events_checked},
                                  {"first_broken_seq", report->first_broken_seq},
                                  {"problem", report->problem},
                                  {"head_hash", report->head_hash}}
                << "\n";
    } else if (report->intact) {
      std::printf("audit: chain intact, %lld events, head %s\n", static_cast<long long>(report->events_checked),
                  report->head_hash.c_str());
    } else {
      std::printf("audit: chain BROKEN at event %lld: %s\n", static_cast<long long>(report->first_broken_seq),
                  visible_inline(report->problem).c_str());
    }
    return static_cast<int>(report->intact ? ExitStatus::kSuccess : ExitStatus::kAuditBroken);
  };
}

CommandAction add_reconcile_command(CLI::App& app, const GlobalOptions& globals) {
  (void)app;
  return [&globals] {
    SystemClock clock;
    auto report = daemon::reconcile_now(globals.data_dir, clock);
    if (!report.is_ok()) return report_error(report.status());
    std::printf(
        "reconcile: %d abandoned run(s) marked failed, %d sandbox(es) removed, %d task(s) left running without a run "
        "repaired, %d stray run lock(s) and %d stray worktree(s) or run directories removed\n",
        report->runs_failed, report->sandboxes_removed, report->tasks_repaired, report->locks_removed,
        report->leftovers_removed);
    return static_cast<int>(ExitStatus::kSuccess);
  };
}

}  // namespace corral::cli
