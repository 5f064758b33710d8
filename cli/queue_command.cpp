// corral queue show [REPO [BRANCH]]: the merge queues in order, each task's
// place, why it waits or what its check runs on top of, and a queue's backoff
// when its upstream fails (merge/queue_desk.h).
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <cstdio>

#include "cli/api_access.h"
#include "cli/commands.h"
#include "cli/exit_status.h"
#include "core/url_encoding.h"
#include "core/visible_text.h"

namespace corral::cli {
namespace {

using json = nlohmann::json;

std::string short_commit(const json& commit) {
  return commit.is_string() ? commit.get<std::string>().substr(0, 12) : "";
}

// "checking on the tip", "passed on t-a, t-b", ...
std::string check_line(const json& check) {
  std::string state = check.value("state", "");
  std::string on = check["ahead"].empty() ? "the tip " + short_commit(check["onto"]) : "";
  for (const json& ahead : check["ahead"]) on += (on.empty() ? "" : ", ") + ahead.get<std::string>();
  if (state == "none") return "no check command; lands on " + on;
  return state + " on " + on + (check.value("run", "").empty() ? "" : " (run " + check.value("run", "") + ")");
}

void print_queues(const json& body) {
  if (body["queues"].empty()) std::printf("no merge queue has tasks\n");
  for (const json& queue : body["queues"]) {
    std::string branch = queue.value("branch", "");
    std::printf("%s  %s", visible_inline(queue.value("repo", "")).c_str(),
                visible_inline(branch.empty() ? "(the default branch)" : branch).c_str());
    if (queue.contains("tip"))
      std::printf("  tip %s, %d checked at once%s", short_commit(queue["tip"]).c_str(), queue.value("depth", 0),
                  queue.value("active", false) ? "" : " (idle)");
    std::printf("\n");
    if (queue.value("failures", 0) > 0)
      std::printf("  backing off: the upstream failed %d time(s) in a row (%s); next try at %s\n",
                  queue.value("failures", 0), visible_inline(queue.value("last_error", "")).c_str(),
                  queue.value("retry_at", "").c_str());
    for (const json& task : queue["tasks"]) {
      std::string what = task.contains("check")       ? check_line(task["check"])
                         : task.value("ready", false) ? "ready"
                                                      : "waits: " + task.value("waits", "");
      std::printf("  %2d. %s  %-8s %s\n", task.value("position", 0), visible_inline(task.value("task", "")).c_str(),
                  task.value("state", "").c_str(), visible_inline(what).c_str());
    }
  }
}

}  // namespace

CommandAction add_queue_command(CLI::App& app, const GlobalOptions& globals) {
  app.require_subcommand(1);
  auto action = std::make_shared<std::function<int()>>();
  auto repo = std::make_shared<std::string>();
  auto branch = std::make_shared<std::string>();
  auto json_output = std::make_shared<bool>(false);
  CLI::App* show = app.add_subcommand("show", "The merge queues in order: why each task waits, what it is checked on");
  show->add_option("REPO", *repo, "A repository (id or path); none: every one you may read");
  show->add_option("BRANCH", *branch, "One target branch");
  show->add_flag("--json", *json_output);
  show->callback([=, &globals] {
    *action = [=, &globals] {
      std::string query;
      if (!repo->empty()) {
        auto id = repo_id_of(globals, *repo);
        if (!id.is_ok()) return report_error(id.status());
        query += "?repo=" + percent_encode(*id);
      }
      if (!branch->empty()) query += std::string(query.empty() ? "?" : "&") + "branch=" + percent_encode(*branch);
      return print(client(globals).call("GET", "/v1/queues" + query), *json_output, print_queues);
    };
  });
  return [action] { return (*action)(); };
}

}  // namespace corral::cli
