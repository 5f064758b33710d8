// `corral run`: one task now, printed for a person or, with --json, for a script.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>

#include "cli/commands.h"
#include "cli/exit_status.h"
#include "cli/terminal_text.h"
#include "core/byte_size.h"
#include "core/clock.h"
#include "daemon/one_shot.h"

namespace corral::cli {
namespace {

struct RunOptions {
  daemon::OneShotRequest request;
  std::string memory;
  int64_t timeout = 0;
  int64_t pids = 0;
  double cpus = 0;
  bool json = false;
  bool quiet = false;
  bool show_diff = false;
};

Status fill_limits(RunOptions& options) {
  auto& limits = options.request.limits;
  if (options.timeout) limits.timeout_seconds = options.timeout;
  if (options.pids) limits.pids = options.pids;
  if (options.cpus) limits.cpus = options.cpus;
  if (!options.memory.empty()) {
    auto bytes = parse_byte_size(options.memory);
    if (!bytes.is_ok()) return bytes.status().with_context("--memory");
    limits.memory_bytes = *bytes;
  }
  return Status::ok();
}

std::string short_id(const std::string& commit) { return commit.substr(0, 12); }

void print_for_people(const daemon::OneShotResult& result, bool show_diff) {
  const runner::RunResult& run = result.run;
  std::printf("task %s  run %s\n", result.task_id.c_str(), result.run_id.c_str());
  std::printf("repository %s at %s (%s)\n", visible_inline(result.repo_path).c_str(),
              visible_inline(result.base_rev).c_str(), short_id(run.base_commit).c_str());
  std::printf("outcome: %s\n", visible_inline(run.reason()).c_str());
  if (!run.changed) {
    std::printf("no changes\n");
    return;
  }
  std::printf("branch %s  %s..%s%s\n", run.branch.c_str(), short_id(run.base_commit).c_str(),
              short_id(run.head_commit).c_str(), run.published ? "  (published to the repository)" : "");
  for (const git::FileChange& file : run.diff.files) {
    std::string name = visible_inline(file.old_path.empty() ? file.path : file.old_path + " -> " + file.path);
    std::printf("  %c %-50s %s+%d -%d\n", file.status, name.c_str(), file.binary ? "binary " : "", file.insertions,
                file.deletions);
  }
  std::printf("%zu file(s) changed, %d insertion(s), %d deletion(s)\n", run.diff.files.size(), run.diff.insertions,
              run.diff.deletions);
  if (show_diff) std::printf("\n%s", shown_patch(run.diff.patch).c_str());
}

nlohmann::json as_json(const daemon::OneShotResult& result) {
  const runner::RunResult& run = result.run;
  return {{"task_id", result.task_id},
          {"run_id", result.run_id},
          {"status", run.succeeded() ? "succeeded" : "failed"},
          {"reason", run.reason()},
          {"exit_code", run.exit.exit_code},
          {"timed_out", run.exit.timed_out},
          {"oom_killed", run.exit.oom_killed},
          {"branch", run.changed ? nlohmann::json(run.branch) : nlohmann::json(nullptr)},
          {"published", run.published},
          {"base", run.base_commit},
          {"head", run.head_commit},
          {"diff", run.diff}};
}

int execute(RunOptions& options, const GlobalOptions& globals) {
  options.request.data_dir = globals.data_dir;
  options.request.supervisor_path = supervisor_path();
  if (!options.quiet && !options.json) {
    auto shown = std::make_shared<ShownStream>(stderr);  // the agent's output, as it arrives
    options.request.echo_output = [shown](std::string_view chunk) { shown->write(chunk); };
  }
  Status limits = fill_limits(options);
  SystemClock clock;
  auto result = limits.is_ok() ? daemon::run_one_shot(options.request, clock) : Result<daemon::OneShotResult>(limits);
  if (!result.is_ok()) {
    if (options.json) {
      std::cout << exact_json({{"error",
                                {{"code", code_name(result.status().code())}, {"message", result.status().message()}}}})
                << "\n";
    }
    return report_error(result.status());
  }
  if (options.json) {
    std::cout << exact_json(as_json(*result)) << "\n";
  } else {
    print_for_people(*result, options.show_diff);
  }
  if (!result->run.succeeded()) {
    std::fprintf(stderr, "corral: task %s failed: %s\n", result->task_id.c_str(),
                 visible_inline(result->run.reason()).c_str());
    return static_cast<int>(ExitStatus::kAgentFailed);
  }
  return static_cast<int>(ExitStatus::kSuccess);
}

}  // namespace

std::string supervisor_path() {
  if (const char* env = std::getenv("CORRAL_SUPERVISOR"); env && *env) return env;
  std::error_code ec;
  auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
  return (self.parent_path() / "corral-supervisor").string();
}

CommandAction add_run_command(CLI::App& app, const GlobalOptions& globals) {
  auto options = std::make_shared<RunOptions>();
  auto& request = options->request;
  app.add_option("--repo", request.repo_path, "The git repository to work on")->required();
  app.add_option("--agent", request.agent,
                 "An agent profile (claude-code, codex, gemini-cli, aider) or a command line, run by /bin/sh in "
                 "/workspace with the prompt as its last argument")
      ->required();
  app.add_option("--base", request.base_rev, "Revision to start from (default: HEAD)");
  app.add_option("--mount-ro", request.mounts, "HOST_PATH[:SANDBOX_PATH] made visible read-only (repeatable)");
  app.add_option("--timeout", options->timeout, "Wall-clock limit in seconds (default 600)");
  app.add_option("--memory", options->memory, "Memory limit, e.g. 512m, 2g (default 1g)");
  app.add_option("--pids", options->pids, "Process limit (default 256)");
  app.add_option("--cpus", options->cpus, "CPU limit in cores (default 1)");
  app.add_option("--backend", request.backend,
                 "Sandbox backend: docker, runc, crun or auto (docker when an image is given, else runc); "
                 "default $CORRAL_BACKEND or auto")
      ->envname("CORRAL_BACKEND");
  app.add_option("--image", request.image, "Image for the docker backend (default $CORRAL_IMAGE)")
      ->envname("CORRAL_IMAGE");
  add_gateway_flags(app, request.gateways);
  add_workspace_flags(app, request.workspace);
  app.add_flag("--json", options->json, "Print one JSON object for scripts");
  app.add_flag("--quiet", options->quiet, "Do not echo the agent's output");
  app.add_flag("--show-diff", options->show_diff, "Print the patch after the summary");
  app.add_option("prompt", request.prompt, "What the agent should do")->required();
  return [options, &globals] { return execute(*options, globals); };
}

}  // namespace corral::cli
