// corral scorecard [--repo R] [--since DAYS]: per repository and agent
// profile, what merged without a person, blocks and false positives, time to
// remediate, cost per merged task, and least privilege (metrics/scorecard.h).
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

std::string number(const json& value, const char* format) {
  if (!value.is_number()) return "-";
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, format, value.get<double>());
  return buffer;
}

void print_scorecard(const json& card) {
  std::printf("the last %d day(s), %lld event(s)%s\n", card.value("days", 0), card.value("events", 0LL),
              card.value("truncated", false) ? " (the oldest only: more were stored)" : "");
  if (card["rows"].empty()) std::printf("no tasks\n");
  for (const json& row : card["rows"]) {
    std::printf("\n%s  %s\n", visible_inline(row.value("repo", "")).c_str(),
                visible_inline(row.value("agent", "").empty() ? "(no agent yet)" : row.value("agent", "")).c_str());
    std::printf("  tasks %lld, merged %lld, of which without a person %lld\n", row.value("tasks", 0LL),
                row.value("merged", 0LL), row.value("merged_without_human", 0LL));
    std::printf("  blocked %lld, flagged %lld, false positives %lld (ratio %s)\n", row.value("blocked", 0LL),
                row.value("flagged", 0LL), row.value("false_positives", 0LL),
                number(row["false_positive_ratio"], "%.2f").c_str());
    std::printf("  remediated %lld failure(s), mean %s s; cost per merged task %s USD, %s tokens\n",
                row.value("remediations", 0LL), number(row["mean_time_to_remediate_seconds"], "%.0f").c_str(),
                number(row["cost_per_merged_task_usd"], "%.4f").c_str(),
                number(row["tokens_per_merged_task"], "%.0f").c_str());
    const json& least = row["least_privilege"];
    std::printf(
        "  least privilege over %zu run(s): hosts %zu of %zu reached; tokens %lld of %lld; calls %lld of %lld; "
        "%s s of %lld s; memory used unknown\n",
        least.value("runs", size_t{0}), least["hosts_reached"].size(), least["hosts_allowed"].size(),
        least.value("tokens_most", 0LL), least.value("token_budget", 0LL), least.value("calls_most", 0LL),
        least.value("call_budget", 0LL), number(least["seconds_most"], "%.0f").c_str(),
        least.value("timeout_seconds", 0LL));
    for (const json& suggestion : least["suggestions"])
      std::printf("  suggest %s\n", visible_inline(suggestion.dump()).c_str());
  }
}

}  // namespace

CommandAction add_scorecard_command(CLI::App& app, const GlobalOptions& globals) {
  auto repo = std::make_shared<std::string>();
  auto days = std::make_shared<int>(30);
  auto json_output = std::make_shared<bool>(false);
  app.add_option("--repo", *repo, "One repository (id or path); none: every one you may read");
  app.add_option("--since", *days, "How many days back (default 30)")->check(CLI::Range(1, 365));
  app.add_flag("--json", *json_output);
  return [=, &globals] {
    std::string query = "?since=" + std::to_string(*days);
    if (!repo->empty()) {
      auto id = repo_id_of(globals, *repo);
      if (!id.is_ok()) return report_error(id.status());
      query += "&repo=" + percent_encode(*id);
    }
    return print(client(globals).call("GET", "/v1/scorecard" + query), *json_output, print_scorecard);
  };
}

}  // namespace corral::cli
