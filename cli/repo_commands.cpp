// corral repo: register and list repositories, read and change their
// settings (owners), and ask for a protected branch to move (only forward).
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <filesystem>

#include "cli/api_access.h"
#include "cli/exit_status.h"
#include "core/url_encoding.h"
#include "core/visible_text.h"
#include "settings/setting_fields.h"
#include "settings/setting_values.h"

namespace corral::cli {
namespace {

using json = nlohmann::json;
// What the chosen subcommand will do, set by its CLI11 callback.
using PendingAction = std::shared_ptr<std::function<int()>>;

void print_repo(const json& repo) {
  const json& settings = repo["settings"];
  const json& limits = repo["limits"];
  auto text = [&](const char* key) { return visible_inline(settings[key].get<std::string>()); };
  std::printf("repo           %s\npath           %s\n", visible_inline(repo["id"].get<std::string>()).c_str(),
              visible_inline(repo["path"].get<std::string>()).c_str());
  std::printf("upstream       %s\n", text("upstream").empty() ? "(the path above)" : text("upstream").c_str());
  std::printf("protected      %s\n", settings["protected"].empty()
                                         ? "(the default branch and release/*)"
                                         : visible_inline(settings["protected"].dump()).c_str());
  std::printf("merge method   %s\ncheck          %s\n", text("merge_method").c_str(),
              text("check_command").empty() ? "(none)" : text("check_command").c_str());
  const json& tier = repo["tier"];
  std::printf("tier           %s: %d approval(s), at most %d files and %d lines per change\n",
              visible_inline(tier["in_force"].get<std::string>()).c_str(), limits["approvals"].get<int>(),
              limits["max_files"].get<int>(), limits["max_lines"].get<int>());
  std::printf("why            %s (%s)\n", visible_inline(tier["why"].get<std::string>()).c_str(),
              visible_inline(tier["rule"].get<std::string>()).c_str());
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
  for (const auto& [agent, kpis] : repo["kpis"]["agents"].items()) print_kpis("  agent " + visible_inline(agent), kpis);
  const json& egress = settings["egress"];
  std::printf("egress         %s\n",
              egress["hosts"].empty() ? "(none: no network)" : visible_inline(egress["hosts"].dump()).c_str());
  if (!egress["internal_hosts"].empty())
    std::printf("  internal     %s\n", visible_inline(egress["internal_hosts"].dump()).c_str());
  if (!egress["ports"].empty()) std::printf("  ports        %s\n", visible_inline(egress["ports"].dump()).c_str());
  std::printf("tool calls     %s what the rules refuse\n",
              text("tool_enforcement") == "block" ? "block" : "flag (log and allow)");
  std::printf("budget         %s\n", visible_inline(settings["budget"].dump()).c_str());
  if (!settings["models"].empty())
    std::printf("models         %s\n", visible_inline(settings["models"].dump()).c_str());
  if (!settings["pin"].is_null())
    std::printf("pinned at      %s\n", visible_inline(settings["pin"].get<std::string>()).c_str());
  if (!settings["cap"].is_null())
    std::printf("capped at      %s\n", visible_inline(settings["cap"].get<std::string>()).c_str());
  for (const char* list :
       {"forbidden_paths", "agent_instruction_paths", "sensitive_paths", "dependency_paths", "secret_allowlist"}) {
    if (!settings[list].empty())
      std::printf("%-14s %s (added to the defaults)\n", list, visible_inline(settings[list].dump()).c_str());
  }
}

void add_setting_flag(CLI::App& command, std::string_view flag, const std::string& help,
                      std::vector<std::string>& given) {
  command.add_option(std::string(flag), given, help)->expected(1)->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
}

std::string flag_help(const settings::Field& field) {
  std::string help(field.help);
  if (field.choices.empty()) return help;
  std::string choices;
  for (std::string_view choice : field.choices) choices += (choices.empty() ? "" : ", ") + std::string(choice);
  return help + " (" + choices + ")";
}

std::string flag_help(const settings::Group& group) {
  std::string fields;
  for (const settings::Field& field : settings::setting_fields()) {
    if (settings::group_of(field) != &group) continue;
    fields += (fields.empty() ? "" : ", ") + std::string(field.key.substr(group.key.size() + 1));
  }
  std::string form = group.tiers.empty() ? "FIELD=N" : "TIER.FIELD=N";
  return form + ": " + std::string(group.help) + "; FIELD is " + fields;
}

std::string setting_names() {
  std::vector<std::string_view> names;
  for (const settings::Field& field : settings::setting_fields()) {
    const settings::Group* group = settings::group_of(field);
    std::string_view name = group ? group->key : field.key;
    if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
  }
  std::string list;
  for (std::string_view name : names) list += (list.empty() ? "" : ", ") + std::string(name);
  return list;
}

// The change document the flags ask for, in the table's order.
Result<json> change_from_flags(const std::map<std::string, std::vector<std::string>>& given) {
  json change = json::object();
  for (const settings::Field& field : settings::setting_fields()) {
    if (field.flag.empty()) continue;
    for (const std::string& text : given.at(std::string(field.flag))) {
      CORRAL_RETURN_IF_ERROR(settings::add_flag_text(change, field, text));
    }
  }
  for (const settings::Group& group : settings::setting_groups()) {
    if (group.flag.empty()) continue;
    for (const std::string& text : given.at(std::string(group.flag))) {
      CORRAL_RETURN_IF_ERROR(settings::add_group_flag_text(change, group, text));
    }
  }
  return change;
}

// corral repo set REPO --FLAG VALUE...: every flag from the settings' table.
void add_set(CLI::App& app, const GlobalOptions& globals, const PendingAction& action) {
  auto json_output = std::make_shared<bool>(false);
  auto repo = std::make_shared<std::string>();
  CLI::App* set = app.add_subcommand("set", "Change a repository's settings (owners)");
  set->add_option("repo", *repo, "Repository id or path")->required();
  // Every flag comes from the settings' table; what each was given, in order.
  auto given = std::make_shared<std::map<std::string, std::vector<std::string>>>();
  for (const settings::Field& field : settings::setting_fields()) {
    if (!field.flag.empty()) add_setting_flag(*set, field.flag, flag_help(field), (*given)[std::string(field.flag)]);
  }
  for (const settings::Group& group : settings::setting_groups()) {
    if (!group.flag.empty()) add_setting_flag(*set, group.flag, flag_help(group), (*given)[std::string(group.flag)]);
  }
  auto resets = std::make_shared<std::vector<std::string>>();
  set->add_option("--reset", *resets, "A setting to return to its default (repeatable): " + setting_names());
  auto reason = std::make_shared<std::string>();
  set->add_option("--reason", *reason, "Why: kept with the new settings version");
  set->add_flag("--json", *json_output);
  set->callback([=, &globals] {
    *action = [=, &globals] {
      auto body = change_from_flags(*given);
      if (!body.is_ok()) return report_error(body.status());
      for (const std::string& key : *resets) (*body)[key] = nullptr;
      if (body->empty()) return report_error(Status::invalid_argument("nothing to change: give a setting"));
      auto id = repo_id_of(globals, *repo);
      if (!id.is_ok()) return report_error(id.status());
      std::string target = "/v1/repos/" + percent_encode(*id) + "/settings";
      if (!reason->empty()) target += "?reason=" + percent_encode(*reason);
      return print(client(globals).call("PATCH", target, body->dump()), *json_output, print_repo);
    };
  });
}

// corral repo history REPO: every settings version, newest last.
void add_history(CLI::App& app, const GlobalOptions& globals, const PendingAction& action) {
  auto json_output = std::make_shared<bool>(false);
  auto repo = std::make_shared<std::string>();
  CLI::App* history = app.add_subcommand("history", "Every version of a repository's settings: who, when, what, why");
  history->add_option("repo", *repo, "Repository id or path")->required();
  history->add_flag("--json", *json_output);
  history->callback([=, &globals] {
    *action = [=, &globals] {
      auto id = repo_id_of(globals, *repo);
      if (!id.is_ok()) return report_error(id.status());
      return print(
          client(globals).call("GET", "/v1/repos/" + percent_encode(*id) + "/settings/history"), *json_output,
          [](const json& page) {
            for (const json& version : page["versions"]) {
              std::string what =
                  version["change"].is_null() ? "(the settings before their history began)" : version["change"].dump();
              std::printf("%lld  %s  %s  %s%s\n", static_cast<long long>(version["version"].get<int64_t>()),
                          visible_inline(version["at"].get<std::string>()).c_str(),
                          visible_inline(version["changed_by"].get<std::string>()).c_str(),
                          visible_inline(what).c_str(),
                          version["reason"].get<std::string>().empty()
                              ? ""
                              : ("  because: " + visible_inline(version["reason"].get<std::string>())).c_str());
            }
          });
    };
  });
}

// corral repo rollback REPO VERSION --reason WHY (owners).
void add_rollback(CLI::App& app, const GlobalOptions& globals, const PendingAction& action) {
  auto json_output = std::make_shared<bool>(false);
  auto repo = std::make_shared<std::string>();
  auto version = std::make_shared<int64_t>(0);
  auto reason = std::make_shared<std::string>();
  CLI::App* rollback = app.add_subcommand("rollback", "Restore a settings version exactly, as a new version (owners)");
  rollback->add_option("repo", *repo, "Repository id or path")->required();
  rollback->add_option("version", *version, "The version to restore (corral repo history)")->required();
  rollback->add_option("--reason", *reason, "Why (required)")->required();
  rollback->add_flag("--json", *json_output);
  rollback->callback([=, &globals] {
    *action = [=, &globals] {
      auto id = repo_id_of(globals, *repo);
      if (!id.is_ok()) return report_error(id.status());
      json body = {{"version", *version}, {"reason", *reason}};
      return print(client(globals).call("POST", "/v1/repos/" + percent_encode(*id) + "/settings/rollback", body.dump()),
                   *json_output, [](const json& made) {
                     std::printf("restored version %lld as version %lld\n",
                                 static_cast<long long>(made["restored"].get<int64_t>()),
                                 static_cast<long long>(made["version"].get<int64_t>()));
                   });
    };
  });
}

// corral repo move-branch REPO BRANCH COMMIT: forward only (owners).
void add_move_branch(CLI::App& app, const GlobalOptions& globals, const PendingAction& action) {
  auto json_output = std::make_shared<bool>(false);
  auto repo = std::make_shared<std::string>();
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
                     std::printf("%s: %s -> %s\n", visible_inline(moved["branch"].get<std::string>()).c_str(),
                                 visible_inline(moved["old"].get<std::string>()).c_str(),
                                 visible_inline(moved["new"].get<std::string>()).c_str());
                   });
    };
  });
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
                     std::printf("%s %s\n", visible_inline(repo["id"].get<std::string>()).c_str(),
                                 visible_inline(repo["path"].get<std::string>()).c_str());
                   });
    };
  });
  CLI::App* list = app.add_subcommand("list", "List repositories");
  list->add_flag("--json", *json_output);
  list->callback([=, &globals] {
    *action = [=, &globals] {
      return print(client(globals).call("GET", "/v1/repos"), *json_output, [](const json& page) {
        for (const auto& repo : page["repos"]) {
          std::printf("%s %s\n", visible_inline(repo["id"].get<std::string>()).c_str(),
                      visible_inline(repo["path"].get<std::string>()).c_str());
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

  add_set(app, globals, action);
  add_history(app, globals, action);
  add_rollback(app, globals, action);
  add_move_branch(app, globals, action);
  return [action] { return (*action)(); };
}

}  // namespace corral::cli
