// corral task: submit, list, show, cancel, retry, roll back (owners) and
// read the agent's output of tasks, through the daemon's API.
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <memory>

#include "cli/api_access.h"
#include "cli/commands.h"
#include "cli/exit_status.h"
#include "cli/terminal_text.h"
#include "core/url_encoding.h"

namespace corral::cli {
namespace {

using json = nlohmann::json;
// What the chosen subcommand will do, set by its CLI11 callback.
using PendingAction = std::shared_ptr<std::function<int()>>;

// A string field of `object`, shown on one line (core/visible_text.h).
std::string field(const json& object, const char* key) { return visible_inline(object.value(key, std::string())); }

void print_task_row(const json& task) {
  std::printf("%-22s %-13s %4d  %-24s %s\n", field(task, "id").c_str(), field(task, "state").c_str(),
              task["priority"].get<int>(), field(task, "repo").c_str(),
              visible_inline(task["prompt"].get<std::string>().substr(0, 60)).c_str());
}

void print_task(const json& task) {
  std::string reason = field(task, "reason");
  std::printf("task      %s\nstate     %s%s\nrepo      %s\nagent     %s\nbase      %s\npriority  %d\nattempts  %d\n",
              field(task, "id").c_str(), field(task, "state").c_str(),
              reason.empty() ? "" : (" (" + reason + ")").c_str(), field(task, "repo").c_str(),
              field(task, "agent").c_str(), field(task, "base").c_str(), task["priority"].get<int>(),
              task["attempts"].get<int>());
  if (!task["parents"].empty()) std::printf("builds on %s\n", task["parents"].dump().c_str());
  for (const auto& run : task["runs"]) {
    std::printf("run       %s %s %s\n", field(run, "id").c_str(), field(run, "state").c_str(),
                field(run, "reason").c_str());
  }
  std::printf("prompt    %s\n", field(task, "prompt").c_str());
}

bool is_final(const std::string& type) {
  return type == "task.finished" || type == "task.failed" || type == "task.cancelled" || type == "task.held";
}

// corral task submit
void add_submit(CLI::App& app, const GlobalOptions& globals, const PendingAction& action) {
  auto json_output = std::make_shared<bool>(false);
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
      auto repo = repo_id_of(globals, (*fields)["repo"]);  // a path is this directory's, not the daemon's
      if (!repo.is_ok()) return report_error(repo.status());
      (*body)["repo"] = *repo;
      return print(client(globals).call("POST", "/v1/tasks", body->dump()), *json_output,
                   [](const json& task) { std::printf("%s\n", task["id"].get<std::string>().c_str()); });
    };
  });
}

// corral task list
void add_list(CLI::App& app, const GlobalOptions& globals, const PendingAction& action) {
  auto json_output = std::make_shared<bool>(false);
  CLI::App* list = app.add_subcommand("list", "List tasks");
  auto state = std::make_shared<std::string>();
  auto repo = std::make_shared<std::string>();
  list->add_option("--state", *state);
  list->add_option("--repo", *repo, "Only this repository's (id or path)");
  list->add_flag("--json", *json_output);
  list->callback([=, &globals] {
    *action = [=, &globals] {
      auto id = repo_id_of(globals, *repo);
      if (!id.is_ok()) return report_error(id.status());
      std::string target = "/v1/tasks?limit=1000&state=" + percent_encode(*state) + "&repo=" + percent_encode(*id);
      return print(client(globals).call("GET", target), *json_output, [](const json& page) {
        std::printf("%-22s %-13s %4s  %-24s %s\n", "TASK", "STATE", "PRIO", "REPO", "PROMPT");
        for (const auto& task : page["tasks"]) print_task_row(task);
      });
    };
  });
}

// corral task show|cancel|retry TASK
void add_show_cancel_retry(CLI::App& app, const GlobalOptions& globals, const PendingAction& action) {
  auto json_output = std::make_shared<bool>(false);
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
}

// corral task rollback TASK --reason WHY
void add_rollback(CLI::App& app, const GlobalOptions& globals, const PendingAction& action) {
  auto json_output = std::make_shared<bool>(false);
  auto id = std::make_shared<std::string>();
  CLI::App* rollback = app.add_subcommand("rollback", "Revert a merged task's commits on its branch (owners)");
  auto reason = std::make_shared<std::string>();
  rollback->add_option("task", *id)->required();
  rollback->add_option("--reason", *reason, "Why (recorded with the rollback)")->required();
  rollback->add_flag("--json", *json_output);
  rollback->callback([=, &globals] {
    *action = [=, &globals] {
      auto result = client(globals).call("POST", "/v1/tasks/" + *id + "/rollback", json{{"reason", *reason}}.dump());
      return print(result, *json_output, [](const json& done) {
        std::printf("rolled back %s: %s is now %s\n", field(done, "task").c_str(), field(done, "branch").c_str(),
                    field(done, "new").c_str());
      });
    };
  });
}

// corral task logs TASK [--follow]
void add_logs(CLI::App& app, const GlobalOptions& globals, const PendingAction& action) {
  auto json_output = std::make_shared<bool>(false);
  auto id = std::make_shared<std::string>();
  CLI::App* logs = app.add_subcommand("logs", "Print a task's agent output");
  auto follow = std::make_shared<bool>(false);
  logs->add_option("task", *id)->required();
  logs->add_flag("--follow,-f", *follow, "Keep printing until the task ends");
  logs->callback([=, &globals] {
    *action = [=, &globals] {
      auto shown = std::make_shared<ShownStream>(stdout);  // agent output, shown as it arrives
      auto print_output = [shown](const json& event) { shown->write(event["payload"].value("text", "")); };
      std::string filter = "task=" + percent_encode(*id) + "&type=agent.output";
      if (!*follow) {
        auto page = client(globals).call("GET", "/v1/events?limit=1000&" + filter);
        if (!page.is_ok()) return report_error(page.status());
        for (const auto& event : (*page)["events"]) print_output(event);
        shown->finish();
        return 0;
      }
      // Follow everything of the task: output until it ends.
      Status status = client(globals).follow("/v1/events?follow=1&task=" + percent_encode(*id), [&](const json& event) {
        if (event["type"] == "agent.output") print_output(event);
        return !is_final(event["type"]);
      });
      shown->finish();
      return status.is_ok() ? 0 : report_error(status);
    };
  });
}

}  // namespace

CommandAction add_task_command(CLI::App& app, const GlobalOptions& globals) {
  app.require_subcommand(1);
  auto action = std::make_shared<std::function<int()>>();
  add_submit(app, globals, action);
  add_list(app, globals, action);
  add_show_cancel_retry(app, globals, action);
  add_rollback(app, globals, action);
  add_logs(app, globals, action);
  return [action] { return (*action)(); };
}

}  // namespace corral::cli
