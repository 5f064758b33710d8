// corral repo: register and list repositories, read and change their
// settings (owners), and ask for a protected branch to move (only forward).
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "cli/api_access.h"
#include "cli/exit_status.h"
#include "core/key_value.h"
#include "core/url_encoding.h"

namespace corral::cli {
namespace {

using json = nlohmann::json;

void print_repo(const json& repo) {
  const json& settings = repo["settings"];
  const json& limits = repo["limits"];
  auto text = [&](const char* key) { return settings[key].get<std::string>(); };
  std::printf("repo           %s\npath           %s\n", repo["id"].get<std::string>().c_str(),
              repo["path"].get<std::string>().c_str());
  std::printf("upstream       %s\n", text("upstream").empty() ? "(the path above)" : text("upstream").c_str());
  std::printf("protected      %s\n", settings["protected"].empty() ? "(the default branch and release/*)"
                                                                   : settings["protected"].dump().c_str());
  std::printf("merge method   %s\ncheck          %s\n", text("merge_method").c_str(),
              text("check_command").empty() ? "(none)" : text("check_command").c_str());
  const json& tier = repo["tier"];
  std::printf("tier           %s: %d approval(s), at most %d files and %d lines per change\n",
              tier["in_force"].get<std::string>().c_str(), limits["approvals"].get<int>(),
              limits["max_files"].get<int>(), limits["max_lines"].get<int>());
  std::printf("why            %s (%s)\n", tier["why"].get<std::string>().c_str(),
              tier["rule"].get<std::string>().c_str());
  auto print_kpis = [](const std::string& who, const json& k) {
    if (who.size() > 14) std::printf("%s\n", who.c_str());
    std::printf(
        "%-14s success %.2f (lower bound %.2f), rollback %.2f (upper bound %.2f), trend %+.2f, %.1f samples; "
        "%d merged, %d rolled back, %d rejected, %d checks failed, %d refused, %d runs failed, %d cancelled\n",
        who.size() > 14 ? "" : who.c_str(), k["success_rate"].get<double>(), k["success_lower"].get<double>(),
        k["rollback_rate"].get<double>(), k["rollback_upper"].get<double>(), k["trend"].get<double>(),
        k["samples"].get<double>(), k["merged"].get<int>(), k["rolled_back"].get<int>(), k["rejected"].get<int>(),
        k["checks_failed"].get<int>(), k["refused"].get<int>(), k["run_failed"].get<int>(), k["cancelled"].get<int>());
  };
  print_kpis("record", repo["kpis"]["overall"]);
  for (const auto& [agent, kpis] : repo["kpis"]["agents"].items()) print_kpis("  agent " + agent, kpis);
  const json& egress = settings["egress"];
  std::printf("egress         %s\n", egress["hosts"].empty() ? "(none: no network)" : egress["hosts"].dump().c_str());
  if (!egress["internal_hosts"].empty()) std::printf("  internal     %s\n", egress["internal_hosts"].dump().c_str());
  if (!egress["ports"].empty()) std::printf("  ports        %s\n", egress["ports"].dump().c_str());
  std::printf("tool calls     %s what the rules refuse\n",
              text("tool_enforcement") == "block" ? "block" : "flag (log and allow)");
  std::printf("budget         %s\n", settings["budget"].dump().c_str());
  if (!settings["models"].empty()) std::printf("models         %s\n", settings["models"].dump().c_str());
  if (!settings["pin"].is_null()) std::printf("pinned at      %s\n", settings["pin"].get<std::string>().c_str());
  if (!settings["cap"].is_null()) std::printf("capped at      %s\n", settings["cap"].get<std::string>().c_str());
  for (const char* list :
       {"forbidden_paths", "agent_instruction_paths", "sensitive_paths", "dependency_paths", "secret_allowlist"}) {
    if (!settings[list].empty()) std::printf("%-14s %s (added to the defaults)\n", list, settings[list].dump().c_str());
  }
}

// `--limit observe.approvals=1` into {"tier_limits": {"observe": {"approvals": 1}}}
// (`whole`: the number must be an integer), and the same for --threshold.
Status add_number(json& body, const std::string& key, const std::string& flag, const std::string& spec, bool whole) {
  size_t dot = spec.find('.'), equals = spec.find('=');
  if (dot == std::string::npos || equals == std::string::npos || equals < dot) {
    return Status::invalid_argument(flag + " takes TIER.FIELD=N, e.g. supervised." +
                                    (whole ? "approvals=1" : "min_samples=3") + ", not '" + spec + "'");
  }
  char* end = nullptr;
  double value = std::strtod(spec.c_str() + equals + 1, &end);
  if (*end != '\0' || equals + 1 == spec.size() || (whole && value != static_cast<int64_t>(value))) {
    return Status::invalid_argument(flag + " " + spec + ": N must be a " + (whole ? "whole number" : "number"));
  }
  json& slot = body[key][spec.substr(0, dot)][spec.substr(dot + 1, equals - dot - 1)];
  slot = whole ? json(static_cast<int64_t>(value)) : json(value);
  return Status::ok();
}

}  // namespace

CommandAction add_repo_command(CLI::App& app, const GlobalOptions& globals) {
  app.require_subcommand(1);
  auto action = std::make_shared<std::function<int()>>();
  auto json_output = std::make_shared<bool>(false);
  auto path = std::make_shared<std::string>();
  CLI::App* add = app.add_subcommand("add", "Register a repository with the daemon");
  add->add_option("path", *path)->required();
  add->add_flag("--json", *json_output);
  add->callback([=, &globals] {
    *action = [=, &globals] {
      std::string absolute = std::filesystem::absolute(*path).string();
      return print(client(globals).call("POST", "/v1/repos", json{{"path", absolute}}.dump()), *json_output,
                   [](const json& repo) {
                     std::printf("%s %s\n", repo["id"].get<std::string>().c_str(),
                                 repo["path"].get<std::string>().c_str());
                   });
    };
  });
  CLI::App* list = app.add_subcommand("list", "List repositories");
  list->add_flag("--json", *json_output);
  list->callback([=, &globals] {
    *action = [=, &globals] {
      return print(client(globals).call("GET", "/v1/repos"), *json_output, [](const json& page) {
        for (const auto& repo : page["repos"]) {
          std::printf("%s %s\n", repo["id"].get<std::string>().c_str(), repo["path"].get<std::string>().c_str());
        }
      });
    };
  });

  auto repo = std::make_shared<std::string>();
  CLI::App* show = app.add_subcommand("show", "A repository's settings and the limits of its tier");
  show->add_option("repo", *repo, "Repository id or path")->required();
  show->add_flag("--json", *json_output);
  show->callback([=, &globals] {
    *action = [=, &globals] {
      auto id = repo_id_of(globals, *repo);
      if (!id.is_ok()) return report_error(id.status());
      return print(client(globals).call("GET", "/v1/repos/" + percent_encode(*id)), *json_output, print_repo);
    };
  });

  CLI::App* set = app.add_subcommand("set", "Change a repository's settings (owners)");
  auto strings = std::make_shared<std::map<std::string, std::string>>();
  auto lists = std::make_shared<std::map<std::string, std::vector<std::string>>>();
  auto limits = std::make_shared<std::vector<std::string>>();
  auto resets = std::make_shared<std::vector<std::string>>();
  auto check_timeout = std::make_shared<int>(0);
  set->add_option("repo", *repo, "Repository id or path")->required();
  set->add_option("--upstream", (*strings)["upstream"], "Where merges go: a bare repository's path or a URL");
  set->add_option("--credentials", (*strings)["credentials"], "env:NAME: a token in the daemon's environment");
  set->add_option("--merge-method", (*strings)["merge_method"], "rebase or merge");
  set->add_option("--check", (*strings)["check_command"], "Command run in a sandbox on every merge result");
  set->add_option("--check-timeout", *check_timeout, "Seconds the check may take");
  set->add_option("--pin", (*strings)["pin"], "Fix the tier: observe, supervised, trusted or autonomous");
  set->add_option("--cap", (*strings)["cap"], "The highest tier the repository may earn");
  auto require_human = std::make_shared<std::string>();
  set->add_option("--require-human", *require_human, "true: at least one approval whatever the tier");
  auto numbers = std::make_shared<std::map<std::string, double>>();
  set->add_option("--half-life-days", (*numbers)["half_life_days"], "How fast old outcomes fade (days)");
  set->add_option("--rollback-window-days", (*numbers)["rollback_window_days"],
                  "How long after its merge a rollback counts against it (days)");
  set->add_option("--hysteresis", (*numbers)["hysteresis"], "How far rates may fall below a tier's thresholds");
  set->add_option("--promotion-gap", (*numbers)["promotion_gap"], "Outcomes needed between promotions");
  set->add_option("--exploration-share", (*numbers)["exploration_share"], "Share of low-risk tasks for newer agents");
  auto thresholds = std::make_shared<std::vector<std::string>>();
  set->add_option("--threshold", *thresholds,
                  "TIER.FIELD=X: min_success_lower, max_rollback_upper or min_samples (repeatable)");
  set->add_option("--agent", (*lists)["agents"], "An agent profile allowed here (repeatable; replaces the list)");
  set->add_option("--protect", (*lists)["protected"], "Protected branch pattern (repeatable; replaces the list)");
  set->add_option("--forbid", (*lists)["forbidden_paths"], "Path pattern agents may never change (repeatable)");
  set->add_option("--sensitive", (*lists)["sensitive_paths"], "Sensitive file pattern (repeatable)");
  set->add_option("--instructions", (*lists)["agent_instruction_paths"], "Agent instruction file pattern");
  set->add_option("--dependency", (*lists)["dependency_paths"], "Dependency manifest pattern");
  set->add_option("--allow-secrets-in", (*lists)["secret_allowlist"], "Path pattern of test fixtures");
  set->add_option("--limit", *limits, "TIER.FIELD=N: approvals, max_files or max_lines of a tier (repeatable)");
  auto egress = std::make_shared<std::map<std::string, std::vector<std::string>>>();
  set->add_option("--egress-host", (*egress)["hosts"],
                  "A host runs may reach (HOST or *.DOMAIN; repeatable; replaces the list)");
  set->add_option("--egress-internal-host", (*egress)["internal_hosts"],
                  "An allowlisted host that may resolve to an internal address (repeatable; replaces the list)");
  set->add_option("--egress-port", (*egress)["ports"], "A port besides 80/443 (repeatable; replaces the list)");
  set->add_option("--tool-enforcement", (*strings)["tool_enforcement"],
                  "block or flag (log and allow) refused tool calls");
  auto budget = std::make_shared<std::vector<std::string>>();
  set->add_option("--budget", *budget,
                  "FIELD=N: task_tokens, task_calls, daily_tokens or daily_calls (0: none; repeatable)");
  auto models = std::make_shared<std::vector<std::string>>();
  set->add_option("--model", *models,
                  "PROFILE=MODEL: the model an agent profile uses here (repeatable; replaces the map)");
  set->add_option("--reset", *resets, "A setting to return to its default (repeatable)");
  set->add_flag("--json", *json_output);
  set->callback([=, &globals] {
    *action = [=, &globals] {
      json body = json::object();
      for (const auto& [key, value] : *strings)
        if (!value.empty()) body[key] = value;
      for (const auto& [key, values] : *lists)
        if (!values.empty()) body[key] = values;
      if (*check_timeout) body["check_timeout_seconds"] = *check_timeout;
      for (const auto& [key, value] : *numbers) {
        bool whole = key == "half_life_days" || key == "rollback_window_days" || key == "promotion_gap";
        if (value != 0) body[key] = whole ? json(static_cast<int64_t>(value)) : json(value);
      }
      if (!require_human->empty()) {
        if (*require_human != "true" && *require_human != "false") {
          return report_error(Status::invalid_argument("--require-human takes true or false"));
        }
        body["require_human"] = *require_human == "true";
      }
      for (const std::string& spec : *thresholds) {
        Status added = add_number(body, "thresholds", "--threshold", spec, false);
        if (!added.is_ok()) return report_error(added);
      }
      for (const std::string& spec : *limits) {
        Status added = add_number(body, "tier_limits", "--limit", spec, true);
        if (!added.is_ok()) return report_error(added);
      }
      for (const auto& [field, values] : *egress) {
        if (values.empty()) continue;
        json list = json::array();
        for (const std::string& value : values) {
          if (field != "ports") {
            list.push_back(value);
            continue;
          }
          auto port = parse_whole_number(value);
          if (!port) return report_error(Status::invalid_argument("--egress-port takes a number, not '" + value + "'"));
          list.push_back(*port);
        }
        body["egress"][field] = list;
      }
      for (const std::string& spec : *budget) {
        auto pair = split_key_value(spec);
        auto amount = pair ? parse_whole_number(pair->value) : std::nullopt;
        if (!amount) return report_error(Status::invalid_argument("--budget takes FIELD=N, not '" + spec + "'"));
        body["budget"][pair->key] = *amount;
      }
      for (const std::string& spec : *models) {
        auto pair = split_key_value(spec);
        if (!pair) return report_error(Status::invalid_argument("--model takes PROFILE=MODEL, not '" + spec + "'"));
        body["models"][pair->key] = pair->value;
      }
      for (const std::string& key : *resets) body[key] = nullptr;
      if (body.empty()) return report_error(Status::invalid_argument("nothing to change: give a setting"));
      auto id = repo_id_of(globals, *repo);
      if (!id.is_ok()) return report_error(id.status());
      return print(client(globals).call("PATCH", "/v1/repos/" + percent_encode(*id) + "/settings", body.dump()),
                   *json_output, print_repo);
    };
  });

  CLI::App* move = app.add_subcommand("move-branch", "Move a protected branch to a commit: only forward (owners)");
  auto branch = std::make_shared<std::string>();
  auto commit = std::make_shared<std::string>();
  auto force = std::make_shared<bool>(false);
  auto remove = std::make_shared<bool>(false);
  move->add_option("repo", *repo, "Repository id or path")->required();
  move->add_option("branch", *branch)->required();
  move->add_option("commit", *commit, "The new tip (any revision the repository knows)");
  move->add_flag("--force", *force, "Ask for a forced update (always refused, and alerted)");
  move->add_flag("--delete", *remove, "Ask to delete the branch (always refused, and alerted)");
  move->add_flag("--json", *json_output);
  move->callback([=, &globals] {
    *action = [=, &globals] {
      if (commit->empty() != *remove) {
        return report_error(Status::invalid_argument("give a commit, or --delete without one"));
      }
      auto id = repo_id_of(globals, *repo);
      if (!id.is_ok()) return report_error(id.status());
      json body = {{"branch", *branch}, {"commit", *commit}, {"force", *force}};
      return print(client(globals).call("POST", "/v1/repos/" + percent_encode(*id) + "/branches", body.dump()),
                   *json_output, [](const json& moved) {
                     std::printf("%s: %s -> %s\n", moved["branch"].get<std::string>().c_str(),
                                 moved["old"].get<std::string>().c_str(), moved["new"].get<std::string>().c_str());
                   });
    };
  });
  return [action] { return (*action)(); };
}

}  // namespace corral::cli
