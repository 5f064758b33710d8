// corral alert list|show|ack|resolve|test and corral alert dest
// add|list|remove: alerts and their webhook destinations (api/alert_desk.h)
// from the terminal. Every text an alert carries came partly from agents:
// it is printed through visible_inline.
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

std::string text(const json& object, const char* key) {
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? visible_inline(it->get<std::string>()) : std::string();
}

void print_alert_line(const json& alert) {
  std::printf("%s  %-8s %-12s %-17s %s  %s\n", text(alert, "id").c_str(), text(alert, "severity").c_str(),
              text(alert, "state").c_str(), text(alert, "rule").c_str(), text(alert, "raised_at").c_str(),
              text(alert, "summary").c_str());
}

void print_alert(const json& alert) {
  print_alert_line(alert);
  for (const char* key : {"repo", "task", "agent", "subject"})
    if (!text(alert, key).empty()) std::printf("  %-8s %s\n", key, text(alert, key).c_str());
  std::printf("  facts    %s\n", visible_inline(alert["facts"].dump()).c_str());
  std::printf("  events   %s\n", visible_inline(alert["events"].dump()).c_str());
  for (const char* key : {"acknowledged", "resolved"}) {
    if (!alert[key].is_object()) continue;
    std::printf("  %s by %s at %s: %s\n", key, text(alert[key], "by").c_str(), text(alert[key], "at").c_str(),
                text(alert[key], "note").c_str());
  }
  if (!alert.contains("deliveries")) return;
  for (const json& delivery : alert["deliveries"]) {
    std::printf("  delivery to %s: %s after %d attempt(s)%s%s\n", text(delivery, "destination").c_str(),
                text(delivery, "state").c_str(), delivery.value("attempts", 0),
                text(delivery, "last_error").empty() ? "" : "; last error: ", text(delivery, "last_error").c_str());
  }
}

void print_destination(const json& destination) {
  std::string repo = text(destination, "repo");
  std::printf("%s  %s  %s  %s%s%s\n", text(destination, "name").c_str(), text(destination, "format").c_str(),
              repo.empty() ? "global" : repo.c_str(), destination.value("healthy", true) ? "healthy" : "UNHEALTHY",
              text(destination, "last_error").empty() ? "" : ": ", text(destination, "last_error").c_str());
  std::printf("  url %s%s%s; rules %s; from severity %s\n", text(destination, "url").c_str(),
              text(destination, "secret").empty() ? "" : "; secret ", text(destination, "secret").c_str(),
              destination["rules"].empty() ? "all" : visible_inline(destination["rules"].dump()).c_str(),
              text(destination, "min_severity").c_str());
}

}  // namespace

CommandAction add_alert_command(CLI::App& app, const GlobalOptions& globals) {
  app.require_subcommand(1);
  auto action = std::make_shared<std::function<int()>>();
  auto json_output = std::make_shared<bool>(false);
  auto id = std::make_shared<std::string>();
  auto note = std::make_shared<std::string>();

  auto filters = std::make_shared<std::map<std::string, std::string>>();
  auto limit = std::make_shared<int>(50);
  CLI::App* list = app.add_subcommand("list", "Alerts, newest first");
  for (const char* key : {"state", "repo", "rule", "severity"})
    list->add_option(
        std::string("--") + key, (*filters)[key],
        std::string("Only this ") + key + (std::string(key) == "state" ? " (open, acknowledged, resolved)" : ""));
  list->add_option("--limit", *limit, "At most this many (default 50)")->check(CLI::Range(1, 1000));
  list->add_flag("--json", *json_output);
  list->callback([=, &globals] {
    *action = [=, &globals] {
      std::string query = "?limit=" + std::to_string(*limit);
      for (const auto& [key, value] : *filters) {
        if (value.empty()) continue;
        std::string given = value;
        if (key == "repo") {
          auto repo = repo_id_of(globals, value);
          if (!repo.is_ok()) return report_error(repo.status());
          given = *repo;
        }
        query += "&" + key + "=" + percent_encode(given);
      }
      return print(client(globals).call("GET", "/v1/alerts" + query), *json_output, [](const json& page) {
        if (page["alerts"].empty()) std::printf("no alerts\n");
        for (const json& alert : page["alerts"]) print_alert_line(alert);
      });
    };
  });

  CLI::App* show = app.add_subcommand("show", "One alert: its facts, the events behind it, its deliveries");
  show->add_option("ID", *id)->required();
  show->add_flag("--json", *json_output);
  show->callback([=, &globals] {
    *action = [=, &globals] {
      return print(client(globals).call("GET", "/v1/alerts/" + percent_encode(*id)), *json_output, print_alert);
    };
  });

  for (const char* verb : {"ack", "resolve"}) {
    std::string name = verb;
    CLI::App* settle = app.add_subcommand(
        name, name == "ack" ? "Acknowledge an alert: someone is on it (owners)" : "Resolve an alert (owners)");
    settle->add_option("ID", *id)->required();
    settle->add_option("--note", *note, "Why (required)")->required();
    settle->add_flag("--json", *json_output);
    settle->callback([=, &globals] {
      *action = [=, &globals] {
        return print(client(globals).call("POST", "/v1/alerts/" + percent_encode(*id) + "/" + name,
                                          json{{"note", *note}}.dump()),
                     *json_output, print_alert);
      };
    });
  }

  CLI::App* test = app.add_subcommand("test", "Send a test alert to a destination now and say how it went");
  test->add_option("DEST", *id)->required();
  test->add_flag("--json", *json_output);
  test->callback([=, &globals] {
    *action = [=, &globals]() -> int {
      auto sent = client(globals).call("POST", "/v1/alerts/destinations/" + percent_encode(*id) + "/test");
      int printed = print(sent, *json_output, [](const json& answer) {
        if (answer.value("delivered", false))
          std::printf("delivered to %s\n", text(answer, "destination").c_str());
        else
          std::printf("not delivered to %s: %s\n", text(answer, "destination").c_str(), text(answer, "error").c_str());
      });
      if (printed != 0) return printed;
      return sent->value("delivered", false) ? 0 : static_cast<int>(ExitStatus::kCorralFailed);
    };
  });

  CLI::App* dest = app.add_subcommand("dest", "Webhook destinations (global: admins; a repository's: its owners)");
  dest->require_subcommand(1);
  auto fields = std::make_shared<std::map<std::string, std::string>>();
  auto rules = std::make_shared<std::vector<std::string>>();
  CLI::App* add = dest->add_subcommand("add", "Add a destination");
  add->add_option("NAME", (*fields)["name"], "a-z, 0-9, - and _")->required();
  add->add_option("--format", (*fields)["format"], "slack, teams, telegram or json")->required();
  add->add_option("--url", (*fields)["url"],
                  "env:NAME or file:/PATH holding the webhook's URL (json and telegram: the URL itself may be given)");
  add->add_option("--secret", (*fields)["secret"], "env:NAME or file:/PATH: json's signing key, telegram's bot token");
  add->add_option("--chat-id", (*fields)["chat_id"], "telegram: the chat to post in");
  add->add_option("--min-severity", (*fields)["min_severity"], "info (default), warning or critical");
  add->add_option("--repo", (*fields)["repo"], "Only this repository's alerts (id or path); none: global");
  add->add_option("--rule", *rules, "Only this rule's alerts (repeatable; none: every rule)");
  add->add_flag("--json", *json_output);
  add->callback([=, &globals] {
    *action = [=, &globals] {
      json request = json::object();
      for (const auto& [key, value] : *fields) {
        if (value.empty()) continue;
        request[key] = value;
        if (key != "repo") continue;
        auto repo = repo_id_of(globals, value);
        if (!repo.is_ok()) return report_error(repo.status());
        request[key] = *repo;
      }
      if (!rules->empty()) request["rules"] = *rules;
      return print(client(globals).call("POST", "/v1/alerts/destinations", request.dump()), *json_output,
                   print_destination);
    };
  });
  CLI::App* destinations = dest->add_subcommand("list", "Destinations, their filters and health");
  destinations->add_flag("--json", *json_output);
  destinations->callback([=, &globals] {
    *action = [=, &globals] {
      return print(client(globals).call("GET", "/v1/alerts/destinations"), *json_output, [](const json& page) {
        if (page["destinations"].empty()) std::printf("no destinations\n");
        for (const json& destination : page["destinations"]) print_destination(destination);
      });
    };
  });
  CLI::App* remove = dest->add_subcommand("remove", "Remove a destination (its pending deliveries fail)");
  remove->add_option("NAME", *id)->required();
  remove->add_flag("--json", *json_output);
  remove->callback([=, &globals] {
    *action = [=, &globals] {
      return print(client(globals).call("DELETE", "/v1/alerts/destinations/" + percent_encode(*id)), *json_output,
                   [](const json& answer) { std::printf("removed %s\n", text(answer, "removed").c_str()); });
    };
  });
  return [action] { return (*action)(); };
}

}  // namespace corral::cli
