// corral routing simulate: replay a repository's real history under proposed
// settings before committing to them.
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <cstdio>

#include "cli/api_access.h"
#include "cli/exit_status.h"
#include "core/url_encoding.h"
#include "core/visible_text.h"

namespace corral::cli {
namespace {

using json = nlohmann::json;

Result<json> read_settings_file(const std::string& path) {
  FILE* file = std::fopen(path.c_str(), "r");
  if (!file) return Status::invalid_argument("cannot read settings file " + path);
  std::string text;
  char buffer[4096];
  size_t n;
  while ((n = std::fread(buffer, 1, sizeof buffer, file)) > 0) text.append(buffer, n);
  std::fclose(file);
  auto parsed = json::parse(text, nullptr, false);
  if (parsed.is_discarded() || !parsed.is_object()) {
    return Status::invalid_argument(path +
                                    " is not a JSON object of settings (as corral repo show --json prints them)");
  }
  return parsed;
}

void print_simulation(const json& result) {
  std::printf("%-24s %-22s %-18s %-13s %-11s %-11s %s\n", "WHEN", "TASK", "OUTCOME", "WOULD GRANT", "TIER NOW",
              "PROPOSED", "RULE (PROPOSED)");
  for (const auto& step : result["steps"]) {
    std::printf("%-24s %-22s %-18s %-13s %-11s %-11s %s\n", visible_inline(step["at"].get<std::string>()).c_str(),
                visible_inline(step["task"].get<std::string>()).c_str(),
                visible_inline(step["outcome"].get<std::string>()).c_str(),
                visible_inline(step["granted"]["tier"].get<std::string>()).c_str(),
                visible_inline(step["now"]["tier_after"].get<std::string>()).c_str(),
                visible_inline(step["tier_after"].get<std::string>()).c_str(),
                visible_inline(step["rule"].get<std::string>()).c_str());
  }
  std::printf("\n%zu outcomes: the tier is %s now and would be %s; %d step(s) differ\n",
              result["outcomes"].get<size_t>(), visible_inline(result["tier_now"].get<std::string>()).c_str(),
              visible_inline(result["tier_proposed"].get<std::string>()).c_str(),
              result["steps_with_a_different_tier"].get<int>());
}

}  // namespace

CommandAction add_routing_command(CLI::App& app, const GlobalOptions& globals) {
  app.require_subcommand(1);
  auto action = std::make_shared<std::function<int()>>();
  auto repo = std::make_shared<std::string>();
  auto file = std::make_shared<std::string>();
  auto json_output = std::make_shared<bool>(false);
  CLI::App* simulate = app.add_subcommand("simulate", "Replay a repository's history under proposed settings");
  simulate->add_option("repo", *repo, "Repository id or path")->required();
  auto version = std::make_shared<int64_t>(0);
  simulate->add_option("--settings", *file, "JSON file with the settings to change (as in repo set)");
  simulate->add_option("--version", *version,
                       "Replay settings version N (corral repo history), with --settings' changes on top");
  simulate->add_flag("--json", *json_output);
  simulate->callback([=, &globals] {
    *action = [=, &globals] {
      if (file->empty() && *version == 0) {
        return report_error(Status::invalid_argument("give --settings FILE, --version N, or both"));
      }
      auto settings = file->empty() ? Result<json>(json::object()) : read_settings_file(*file);
      if (!settings.is_ok()) return report_error(settings.status());
      auto id = repo_id_of(globals, *repo);
      if (!id.is_ok()) return report_error(id.status());
      std::string target = "/v1/repos/" + percent_encode(*id) + "/simulate";
      if (*version != 0) target += "?version=" + std::to_string(*version);
      return print(client(globals).call("POST", target, settings->dump()), *json_output, print_simulation);
    };
  });
  return [action] { return (*action)(); };
}

}  // namespace corral::cli
