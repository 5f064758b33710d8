// corral policy replay REPO --settings FILE [--days N]: the repository's
// recent tool calls and egress requests decided again under proposed
// settings, through the daemon (api/repo_desk.h). Changes nothing.
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <fstream>
#include <sstream>

#include "cli/api_access.h"
#include "cli/commands.h"
#include "cli/exit_status.h"
#include "core/url_encoding.h"
#include "core/visible_text.h"

namespace corral::cli {
namespace {

using json = nlohmann::json;

void print_replay(const json& replay) {
  std::printf("%lld tool call(s) and %lld egress request(s) since %s, decided again:\n",
              replay.value("tool_calls", 0LL), replay.value("egress_requests", 0LL),
              visible_inline(replay.value("since", "")).c_str());
  if (replay["changes"].empty()) std::printf("  nothing would have been decided differently\n");
  for (const auto& [change, count] : replay["changes"].items())
    std::printf("  %6lld  %s\n", count.get<long long>(), visible_inline(change).c_str());
  for (const json& decision : replay["changed"]) {
    std::printf(
        "  #%lld %s %s: %s -> %s%s%s\n", decision.value("seq", 0LL), visible_inline(decision.value("kind", "")).c_str(),
        visible_inline(decision.value("what", "")).c_str(), visible_inline(decision.value("was", "")).c_str(),
        visible_inline(decision.value("would_be", "")).c_str(), decision.value("rule", "").empty() ? "" : " (",
        decision.value("rule", "").empty()
            ? ""
            : (visible_inline(decision.value("rule", "")) + ": " + visible_inline(decision.value("reason", "")) + ")")
                  .c_str());
  }
  if (replay.value("truncated", false)) std::printf("  (only the oldest 200,000 were looked at)\n");
}

}  // namespace

void add_policy_replay(CLI::App& policy, const GlobalOptions& globals, std::function<int()>& action) {
  auto repo = std::make_shared<std::string>();
  auto file = std::make_shared<std::string>();
  auto days = std::make_shared<int>(7);
  auto json_output = std::make_shared<bool>(false);
  CLI::App* replay = policy.add_subcommand(
      "replay", "Decide the last days' tool calls and egress requests again under proposed settings (daemon)");
  replay->add_option("REPO", *repo, "The repository (id or path)")->required();
  replay
      ->add_option("--settings", *file,
                   "A JSON file of settings changes, as `repo set --file` takes (e.g. {\"tool_enforcement\": "
                   "\"block\", \"egress\": {\"hosts\": [\"pypi.org\"]}})")
      ->required();
  replay->add_option("--days", *days, "How far back (default 7)")->check(CLI::Range(1, 365));
  replay->add_flag("--json", *json_output);
  replay->callback([=, &globals, &action] {
    action = [=, &globals] {
      std::ifstream in(*file);
      if (!in) return report_error(Status::invalid_argument("--settings: cannot read " + *file));
      std::stringstream text;
      text << in.rdbuf();
      auto change = json::parse(text.str(), nullptr, false);
      if (!change.is_object())
        return report_error(Status::invalid_argument("--settings: " + *file + " is not a JSON object"));
      auto id = repo_id_of(globals, *repo);
      if (!id.is_ok()) return report_error(id.status());
      return print(client(globals).call(
                       "POST", "/v1/repos/" + percent_encode(*id) + "/policy/replay?days=" + std::to_string(*days),
                       change.dump()),
                   *json_output, print_replay);
    };
  });
}

}  // namespace corral::cli
