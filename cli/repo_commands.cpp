// corral repo: register and list repositories, read and change their
// settings (owners), and ask for a protected branch to move (only forward).
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <filesystem>

#include "cli/api_access.h"
#include "cli/exit_status.h"
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
  std::printf("protected      %s\n",
              settings["protected"].empty() ? "(the default branch and release/*)" : settings["protected"].dump().c_str());
  std::printf("merge method   %s\ncheck          %s\n", text("merge_method").c_str(),
              text("check_command").empty() ? "(none)" : text("check_command").c_str());
  std::printf("tier           %s: %d approval(s), at most %d files and %d lines per change\n", text("tier").c_str(),
              limits["approvals"].get<int>(), limits["max_files"].get<int>(), limits["max_lines"].get<int>());
  for (const char* list : {"forbidden_paths", "agent_instruction_paths", "sensitive_paths", "dependency_paths",
                           "secret_allowlist"}) {
    if (!settings[list].empty()) std::printf("%-14s %s (added to the defaults)\n", list, settings[list].dump().c_str());
  }
}

// `--limit observe.approvals=1` into {"tier_limits": {"observe": {"approvals": 1}}}.
Status add_limit(json& body, const std::string& spec) {
  size_t dot = spec.find('.'), equals = spec.find('=');
  if (dot == std::string::npos || equals == std::string::npos || equals < dot) {
    return Status::invalid_argument("--limit takes TIER.FIELD=N, e.g. observe.approvals=1, not '" + spec + "'");
  }
  char* end = nullptr;
  long value = std::strtol(spec.c_str() + equals + 1, &end, 10);
  if (*end != '\0' || equals + 1 == spec.size()) return Status::invalid_argument("--limit " + spec + ": N must be a number");
  body["tier_limits"][spec.substr(0, dot)][spec.substr(dot + 1, equals - dot - 1)] = value;
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
                     std::printf("%s %s\n", repo["id"].get<std::string>().c_str(), repo["path"].get<std::string>().c_str());
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
  set->add_option("--tier", (*strings)["tier"], "observe, supervised, trusted or autonomous");
  set->add_option("--protect", (*lists)["protected"], "Protected branch pattern (repeatable; replaces the list)");
  set->add_option("--forbid", (*lists)["forbidden_paths"], "Path pattern agents may never change (repeatable)");
  set->add_option("--sensitive", (*lists)["sensitive_paths"], "Sensitive file pattern (repeatable)");
  set->add_option("--instructions", (*lists)["agent_instruction_paths"], "Agent instruction file pattern");
  set->add_option("--dependency", (*lists)["dependency_paths"], "Dependency manifest pattern");
  set->add_option("--allow-secrets-in", (*lists)["secret_allowlist"], "Path pattern of test fixtures");
  set->add_option("--limit", *limits, "TIER.FIELD=N: approvals, max_files or max_lines of a tier (repeatable)");
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
      for (const std::string& spec : *limits) {
        Status added = add_limit(body, spec);
        if (!added.is_ok()) return report_error(added);
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
