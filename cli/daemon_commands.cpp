// The commands that run or talk to the daemon: serve, token, and events
// --follow (tasks: task_commands.cpp; repositories: repo_commands.cpp;
// reviews: review_commands.cpp).
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <memory>

#include "cli/api_access.h"
#include "cli/api_client.h"
#include "cli/commands.h"
#include "cli/event_printing.h"
#include "cli/exit_status.h"
#include "core/byte_size.h"
#include "core/url_encoding.h"
#include "core/visible_text.h"
#include "daemon/serve.h"

namespace corral::cli {
namespace {

using json = nlohmann::json;

}  // namespace

void add_gateway_flags(CLI::App& app, admission::GatewayFlags& flags) {
  app.add_option("--llm", flags.llm_urls,
                 "Model provider for the LLM gateway: anthropic=URL, openai=URL or gemini=URL (repeatable)");
  app.add_option("--llm-key", flags.llm_keys, "Its key, held by corral only: NAME=env:VARIABLE or NAME=file:PATH");
  app.add_option("--llm-ca", flags.llm_ca_files, "Trust this CA for a provider: NAME=FILE");
  app.add_option("--egress-host", flags.egress_hosts,
                 "A name the egress proxy resolves itself: NAME=ADDRESS[,ADDRESS]");
  app.add_option("--agent-tool", flags.agent_tools,
                 "A host program an agent profile runs, mounted read-only: PROGRAM=FILE (claude=/usr/local/bin/claude) "
                 "or PROGRAM=FOLDER:ENTRY (gemini=/opt/gemini/node_modules:.bin/gemini)");
}

void add_workspace_flags(CLI::App& app, runner::WorkspaceOptions& options) {
  app.add_option("--workspace", options.mode,
                 "How a run's workspace is made: auto (an overlay on a cached checkout where overlayfs can be "
                 "mounted, else a worktree) or worktree")
      ->transform(CLI::CheckedTransformer(std::map<std::string, runner::WorkspaceMode>{
          {"auto", runner::WorkspaceMode::kAuto}, {"worktree", runner::WorkspaceMode::kWorktree}}));
  app.add_option_function<std::string>(
         "--checkout-cache-size",
         [&options](const std::string& text) {
           auto bytes = parse_byte_size(text);
           if (!bytes.is_ok()) throw CLI::ValidationError("--checkout-cache-size", bytes.status().message());
           options.cache.max_bytes = *bytes;
         },
         "Disk the cached checkouts may take together, e.g. 8G (default 8G)")
      ->type_name("SIZE");
  app.add_option_function<int>(
         "--checkout-cache-hours", [&options](int hours) { options.cache.max_age = std::chrono::hours(hours); },
         "A cached checkout no run used for this long is removed (default 48)")
      ->check(CLI::Range(1, 24 * 365));
}

CommandAction add_serve_command(CLI::App& app, const GlobalOptions& globals) {
  auto options = std::make_shared<daemon::ServeOptions>();
  app.add_option("--listen", options->listen_tcp, "Also serve the API on HOST:PORT (bearer tokens required)");
  app.add_option("--tls-cert", options->tls_cert, "Serve --listen over TLS with this certificate chain (PEM)");
  app.add_option("--tls-key", options->tls_key, "... and this private key (PEM)");
  app.add_flag("--insecure-tcp", options->insecure_tcp,
               "Allow plain HTTP on an address other than loopback (tokens cross the network in clear)");
  app.add_option("--backend", options->backend, "Sandbox backend: docker, runc, crun or auto")
      ->envname("CORRAL_BACKEND");
  app.add_option("--image", options->image, "Image for the docker backend")->envname("CORRAL_IMAGE");
  app.add_option("--max-running", options->caps.global, "Tasks running at once (default 4; 0: none start)")
      ->check(CLI::NonNegativeNumber);
  app.add_option("--max-per-repo", options->caps.per_repo, "Tasks running at once per repository (default 2)")
      ->check(CLI::NonNegativeNumber);
  app.add_option("--max-per-agent", options->caps.per_agent, "Tasks running at once per agent (default 4)")
      ->check(CLI::NonNegativeNumber);
  app.add_option("--max-attempts", options->max_attempts, "Runs per task before an infrastructure failure is final");
  app.add_option("--max-connections", options->max_connections, "API connections open at once (default 1024)")
      ->check(CLI::Range(1, 1000000));
  app.add_option("--web-root", options->web_root,
                 "The web UI's built files, served on --listen (default: web/dist, built by scripts/setup.sh)");
  auto retry_ms = std::make_shared<int64_t>(options->alert_retries.first_delay.count());
  app.add_option("--alert-attempts", options->alert_retries.max_attempts,
                 "Attempts to deliver an alert to a destination before it is marked unhealthy (default 8)")
      ->check(CLI::Range(1, 100));
  app.add_option("--alert-retry-ms", *retry_ms,
                 "The wait before an alert delivery's second attempt, doubled for each next one (default 5000)")
      ->check(CLI::Range(10, 3600000));
  auto queue_retry_ms = std::make_shared<int64_t>(options->queue_backoff.first.count());
  app.add_option("--queue-retry-ms", *queue_retry_ms,
                 "The wait before a merge queue whose upstream failed tries again, doubled for each next failure "
                 "up to 5 minutes (default 1000); an alert after 5 failures in a row")
      ->check(CLI::Range(10, 3600000));
  // Hidden (no group): crash tests pause the daemon inside a stage to kill it there.
  app.add_option("--test-pause-at", options->test_pause_at)->group("");
  add_gateway_flags(app, options->gateways);
  add_workspace_flags(app, options->workspace);
  return [options, retry_ms, queue_retry_ms, &globals] {
    options->data_dir = globals.data_dir;
    options->supervisor_path = supervisor_path();
    options->alert_retries.first_delay = std::chrono::milliseconds(*retry_ms);
    options->queue_backoff.first = std::chrono::milliseconds(*queue_retry_ms);
    Status served = daemon::serve(*options);
    return served.is_ok() ? 0 : report_error(served);
  };
}

CommandAction add_token_command(CLI::App& app, const GlobalOptions& globals) {
  app.require_subcommand(1);
  auto action = std::make_shared<std::function<int()>>();
  auto json_output = std::make_shared<bool>(false);
  auto name = std::make_shared<std::string>();
  auto role = std::make_shared<std::string>();
  auto repo = std::make_shared<std::string>("*");
  CLI::App* create = app.add_subcommand("create", "Make an API token (shown once)");
  create->add_option("--name", *name)->required();
  create->add_option("--role", *role, "admin, owner, reviewer, submitter or agent")->required();
  create->add_option("--repo", *repo, "Repository the token is limited to (default: all)");
  create->add_flag("--json", *json_output);
  create->callback([=, &globals] {
    *action = [=, &globals] {
      return print(
          client(globals).call("POST", "/v1/tokens", json{{"name", *name}, {"role", *role}, {"repo", *repo}}.dump()),
          *json_output,
          [](const json& token) { std::printf("%s\n", visible_inline(token["token"].get<std::string>()).c_str()); });
    };
  });
  CLI::App* list = app.add_subcommand("list", "List tokens (never their secrets)");
  list->add_flag("--json", *json_output);
  list->callback([=, &globals] {
    *action = [=, &globals] {
      return print(client(globals).call("GET", "/v1/tokens"), *json_output, [](const json& page) {
        for (const auto& token : page["tokens"]) {
          std::printf("%-24s %-16s %-10s %-24s %s\n", visible_inline(token["id"].get<std::string>()).c_str(),
                      visible_inline(token["name"].get<std::string>()).c_str(),
                      visible_inline(token["role"].get<std::string>()).c_str(),
                      visible_inline(token["repo"].get<std::string>()).c_str(),
                      token.contains("revoked_at") ? "revoked" : "live");
        }
      });
    };
  });
  auto id = std::make_shared<std::string>();
  CLI::App* revoke = app.add_subcommand("revoke", "Revoke a token");
  revoke->add_option("id", *id)->required();
  revoke->callback([=, &globals] {
    *action = [=, &globals] {
      return print(client(globals).call("DELETE", "/v1/tokens/" + *id), false,
                   [](const json&) { std::printf("revoked\n"); });
    };
  });
  return [action] { return (*action)(); };
}

int follow_events(const GlobalOptions& globals, const std::string& task, const std::string& repo,
                  const std::string& type) {
  std::string target = "/v1/events?follow=1&task=" + percent_encode(task) + "&repo=" + percent_encode(repo) +
                       "&type=" + percent_encode(type);
  Status status = client(globals).follow(target, [](const json& event) {
    print_event(event);
    return true;
  });
  return report_error(status);
}

}  // namespace corral::cli
