// corral kill on|off [--repo R] [--agent PROFILE] --reason WHY, and corral
// kill list: the kill switches (api/kill_switch_desk.h) from the terminal.
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <cstdio>

#include "cli/api_access.h"
#include "cli/commands.h"
#include "cli/exit_status.h"
#include "core/visible_text.h"

namespace corral::cli {
namespace {

using json = nlohmann::json;

void print_switch(const json& kill_switch) {
  std::printf("%s %s%s  %s  %s: %s\n", visible_inline(kill_switch["scope"].get<std::string>()).c_str(),
              kill_switch["on"].get<bool>() ? "ON" : "off",
              kill_switch.value("hold_merges", false) ? " (merges held)" : "",
              visible_inline(kill_switch["at"].get<std::string>()).c_str(),
              visible_inline(kill_switch["by"].get<std::string>()).c_str(),
              visible_inline(kill_switch["reason"].get<std::string>()).c_str());
}

}  // namespace

CommandAction add_kill_command(CLI::App& app, const GlobalOptions& globals) {
  app.require_subcommand(1);
  auto action = std::make_shared<std::function<int()>>();
  auto json_output = std::make_shared<bool>(false);
  auto repo = std::make_shared<std::string>();
  auto agent = std::make_shared<std::string>();
  auto reason = std::make_shared<std::string>();
  auto hold_merges = std::make_shared<bool>(false);
  for (bool on : {true, false}) {
    CLI::App* turn =
        app.add_subcommand(on ? "on" : "off", on ? "Stop every run a switch covers and start none (global: admins)"
                                                 : "Let runs start again");
    turn->add_option("--repo", *repo, "One repository (id or path; its owners may)");
    turn->add_option("--agent", *agent, "One agent profile (admins)");
    turn->add_option("--reason", *reason, "Why (required)")->required();
    if (on) turn->add_flag("--hold-merges", *hold_merges, "Approved work waits too, instead of merging");
    turn->add_flag("--json", *json_output);
    turn->callback([=, &globals] {
      *action = [=, &globals] {
        json body = {{"on", on}, {"reason", *reason}};
        if (*hold_merges) body["hold_merges"] = true;
        if (!repo->empty()) {
          auto id = repo_id_of(globals, *repo);
          if (!id.is_ok()) return report_error(id.status());
          body["repo"] = *id;
        }
        if (!agent->empty()) body["agent"] = *agent;
        return print(client(globals).call("POST", "/v1/killswitches", body.dump()), *json_output, print_switch);
      };
    });
  }
  CLI::App* list = app.add_subcommand("list", "Every kill switch, on or off, with who turned it and why");
  list->add_flag("--json", *json_output);
  list->callback([=, &globals] {
    *action = [=, &globals] {
      return print(client(globals).call("GET", "/v1/killswitches"), *json_output, [](const json& page) {
        for (const json& kill_switch : page["switches"]) print_switch(kill_switch);
      });
    };
  });
  return [action] { return (*action)(); };
}

}  // namespace corral::cli
