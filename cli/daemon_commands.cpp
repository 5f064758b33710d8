// The commands that run or talk to the daemon: serve, task, token, and
// events --follow (repositories: repo_commands.cpp; reviews: review_commands.cpp).
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <memory>

#include "cli/api_access.h"
#include "cli/api_client.h"
#include "cli/commands.h"
#include "cli/event_printing.h"
#include "cli/exit_status.h"
#include "core/url_encoding.h"
#include "daemon/serve.h"

namespace corral::cli {
namespace {

using json = nlohmann::json;

void print_task_row(const json& task) {
  std::printf("%-22s %-13s %4d  %-24s %s\n", task["id"].get<std::string>().c_str(),
              task["state"].get<std::string>().c_str(), task["priority"].get<int>(),
              task["repo"].get<std::string>().c_str(), task["prompt"].get<std::string>().substr(0, 60).c_str());
}

void print_task(const json& task) {
  std::printf("task      %s\nstate     %s%s\nrepo      %s\nagent     %s\nbase      %s\npriority  %d\nattempts  %d\n",
              task["id"].get<std::string>().c_str(), task["state"].get<std::string>().c_str(),
              task["reason"].get<std::string>().empty() ? "" : (" (" + task["reason"].get<std::string>() + ")").c_str(),
              task["repo"].get<std::string>().c_str(), task["agent"].get<std::string>().c_str(),
              task["base"].get<std::string>().c_str(), task["priority"].get<int>(), task["attempts"].get<int>());
  if (!task["parents"].empty()) std::printf("builds on %s\n", task["parents"].dump().c_str());
  for (const auto& run : task["runs"]) {
    std::printf("run       %s %s %s\n", run["id"].get<std::string>().c_str(), run["state"].get<std::string>().c_str(),
                run["reason"].get<std::string>().c_str());
  }
  std::printf("prompt    %s\n", task["prompt"].get<std::string>().c_str());
}

bool is_final(const std::string& type) {
  return type == "task.finished" || type == "task.failed" || type == "task.cancelled" || type == "task.held";
}

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
  app.add_option("--max-running", options->caps.global, "Tasks running at once (default 4)");
  app.add_option("--max-per-repo", options->caps.per_repo, "Tasks running at once per repository (default 2)");
  app.add_option("--max-per-agent", options->caps.per_agent, "Tasks running at once per agent (default 4)");
  app.add_option("--max-attempts", options->max_attempts, "Runs per task before an infrastructure failure is final");
  // Hidden (no group): crash tests pause the daemon inside a stage to kill it there.
  app.add_option("--test-pause-at", options->test_pause_at)->group("");
  add_gateway_flags(app, options->gateways);
  return [options, &globals] {
    options->data_dir = globals.data_dir;
    options->supervisor_path = supervisor_path();
    Status served = daemon::serve(*options);
    return served.is_ok() ? 0 : report_error(served);
  };
}

CommandAction add_task_command(CLI::App& app, const GlobalOptions& globals) {
  app.require_subcommand(1);
  auto json_output = std::make_shared<bool>(false);
  auto action = std::make_shared<std::function<int()>>();

  CLI::App* submit = app.add_subcommand("submit", "Queue a task");
  auto body = std::make_shared<json>(json::object());
  auto fields = std::make_shared<std::map<std::string, std::string>>();
  auto parents = std::make_shared<std::vector<std::string>>();
  auto priority = std::make_shared<int>(0);
  auto timeout = std::make_shared<int64_t>(0);
  submit->add_option("--repo", (*fields)["repo"], "Repository (id or path, registered with corral repo add)")
      ->required();
  submit->add_option("--agent", (*fields)["agent"],
                     "Agent command line (default: routing chooses among the repository's)");
  submit->add_option("--base", (*fields)["base"], "Revision to start from (default HEAD)");
  submit->add_option("--target", (*fields)["target"], "Shared branch to merge into (default: the upstream's default)");
  submit->add_option("--after", *parents, "A task this one builds on (repeatable; the first gives the base)");
  submit->add_option("--priority", *priority, "Higher runs first (-100..100)");
  submit->add_option("--timeout", *timeout, "Seconds the run may take");
  auto budget_tokens = std::make_shared<int64_t>(0);
  auto budget_calls = std::make_shared<int64_t>(0);
  submit->add_option("--budget-tokens", *budget_tokens,
                     "Model tokens the task may use (under the repository's budget)");
  submit->add_option("--budget-calls", *budget_calls, "Model calls the task may make (under the repository's budget)");
  submit->add_option("--idempotency-key", (*fields)["idempotency_key"],
                     "Submitting the same key again returns the same task");
  submit->add_option("prompt", (*fields)["prompt"], "What the agent should do")->required();
  submit->add_flag("--json", *json_output);
  submit->callback([=, &globals] {
    *action = [=, &globals] {
      for (const auto& [key, value] : *fields)
        if (!value.empty()) (*body)[key] = value;
      if (*priority) (*body)["priority"] = *priority;
      if (*timeout) (*body)["timeout_seconds"] = *timeout;
      if (*budget_tokens) (*body)["budget_tokens"] = *budget_tokens;
      if (*budget_calls) (*body)["budget_calls"] = *budget_calls;
      if (!parents->empty()) (*body)["parents"] = *parents;
      return print(client(globals).call("POST", "/v1/tasks", body->dump()), *json_output,
                   [](const json& task) { std::printf("%s\n", task["id"].get<std::string>().c_str()); });
    };
  });

  CLI::App* list = app.add_subcommand("list", "List tasks");
  auto state = std::make_shared<std::string>();
  auto repo = std::make_shared<std::string>();
  list->add_option("--state", *state);
  list->add_option("--repo", *repo);
  list->add_flag("--json", *json_output);
  list->callback([=, &globals] {
    *action = [=, &globals] {
      std::string target = "/v1/tasks?limit=1000&state=" + percent_encode(*state) + "&repo=" + percent_encode(*repo);
      return print(client(globals).call("GET", target), *json_output, [](const json& page) {
        std::printf("%-22s %-13s %4s  %-24s %s\n", "TASK", "STATE", "PRIO", "REPO", "PROMPT");
        for (const auto& task : page["tasks"]) print_task_row(task);
      });
    };
  });

  auto id = std::make_shared<std::string>();
  for (const char* verb : {"show", "cancel", "retry"}) {
    CLI::App* sub = app.add_subcommand(verb, std::string(verb) + " a task");
    sub->add_option("task", *id)->required();
    sub->add_flag("--json", *json_output);
    std::string name = verb;
    sub->callback([=, &globals] {
      *action = [=, &globals] {
        auto result = name == "show" ? client(globals).call("GET", "/v1/tasks/" + *id)
                                     : client(globals).call("POST", "/v1/tasks/" + *id + "/" + name, "{}");
        return print(result, *json_output, print_task);
      };
    });
  }

  CLI::App* rollback = app.add_subcommand("rollback", "Revert a merged task's commits on its branch (owners)");
  auto reason = std::make_shared<std::string>();
  rollback->add_option("task", *id)->required();
  rollback->add_option("--reason", *reason, "Why (recorded with the rollback)")->required();
  rollback->add_flag("--json", *json_output);
  rollback->callback([=, &globals] {
    *action = [=, &globals] {
      auto result = client(globals).call("POST", "/v1/tasks/" + *id + "/rollback", json{{"reason", *reason}}.dump());
      return print(result, *json_output, [](const json& done) {
        std::printf("rolled back %s: %s is now %s\n", done["task"].get<std::string>().c_str(),
                    done["branch"].get<std::string>().c_str(), done["new"].get<std::string>().c_str());
      });
    };
  });

  CLI::App* logs = app.add_subcommand("logs", "Print a task's agent output");
  auto follow = std::make_shared<bool>(false);
  logs->add_option("task", *id)->required();
  logs->add_flag("--follow,-f", *follow, "Keep printing until the task ends");
  logs->callback([=, &globals] {
    *action = [=, &globals] {
      auto print_output = [](const json& event) {
        std::fputs(event["payload"].value("text", "").c_str(), stdout);
        std::fflush(stdout);
      };
      std::string filter = "task=" + percent_encode(*id) + "&type=agent.output";
      if (!*follow) {
        auto page = client(globals).call("GET", "/v1/events?limit=1000&" + filter);
        if (!page.is_ok()) return report_error(page.status());
        for (const auto& event : (*page)["events"]) print_output(event);
        return 0;
      }
      // Follow everything of the task: output until it ends.
      Status status = client(globals).follow("/v1/events?follow=1&task=" + percent_encode(*id), [&](const json& event) {
        if (event["type"] == "agent.output") print_output(event);
        return !is_final(event["type"]);
      });
      return status.is_ok() ? 0 : report_error(status);
    };
  });
  return [action] { return (*action)(); };
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
          *json_output, [](const json& token) { std::printf("%s\n", token["token"].get<std::string>().c_str()); });
    };
  });
  CLI::App* list = app.add_subcommand("list", "List tokens (never their secrets)");
  list->add_flag("--json", *json_output);
  list->callback([=, &globals] {
    *action = [=, &globals] {
      return print(client(globals).call("GET", "/v1/tokens"), *json_output, [](const json& page) {
        for (const auto& token : page["tokens"]) {
          std::printf("%-24s %-16s %-10s %-24s %s\n", token["id"].get<std::string>().c_str(),
                      token["name"].get<std::string>().c_str(), token["role"].get<std::string>().c_str(),
                      token["repo"].get<std::string>().c_str(), token.contains("revoked_at") ? "revoked" : "live");
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
