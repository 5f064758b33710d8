// corral review: the diffs waiting for a human, one diff in full, and the
// verdicts. An approval names the diff it approves (its hash), so a diff that
// changed after it was read is never approved by mistake.
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <cstdio>

#include "cli/api_access.h"
#include "cli/exit_status.h"
#include "cli/terminal_text.h"
#include "core/url_encoding.h"

namespace corral::cli {
namespace {

using json = nlohmann::json;

// A string field of `object`, shown on one line (core/visible_text.h).
std::string text(const json& object, const char* key) { return visible_inline(object.value(key, std::string())); }

void print_findings(const json& findings) {
  for (const auto& finding : findings) {
    std::string where = text(finding, "path");
    if (finding.value("line", 0) > 0) where += ":" + std::to_string(finding["line"].get<int>());
    std::printf("  %-15s %-20s %s %s\n", text(finding, "decision").c_str(), text(finding, "rule").c_str(),
                where.c_str(), text(finding, "message").c_str());
  }
}

// The changed files of the page shown, one per line, their names visible.
void print_files(const json& stats) {
  if (!stats.is_object()) return;
  std::printf("files      %s\n", stats.value("files_total", json(0)).dump().c_str());
  for (const auto& file : stats.value("files", json::array())) {
    std::string name = text(file, "path");
    if (file.contains("old_path")) name = text(file, "old_path") + " -> " + name;
    std::printf("  %s %-50s +%d -%d\n", text(file, "status").c_str(), name.c_str(), file.value("insertions", 0),
                file.value("deletions", 0));
  }
  if (stats.contains("next_offset")) {
    std::printf("  [more files: --files-offset %s]\n", stats["next_offset"].dump().c_str());
  }
}

void print_review(const json& review) {
  std::printf("task       %s (%s)\nrepo       %s\nsubmitter  %s\ndiff       %s\napprovals  %d of %d\n",
              text(review, "task").c_str(), text(review, "state").c_str(), text(review, "repo").c_str(),
              text(review, "submitter").c_str(), text(review, "diff_hash").c_str(), review["approvals"].get<int>(),
              review["approvals_required"].get<int>());
  for (const auto& verdict : review["verdicts"]) {
    std::printf("           %s %s %s\n", text(verdict, "reviewer").c_str(), text(verdict, "verdict").c_str(),
                text(verdict, "reason").c_str());
  }
  std::printf("findings   %s\n", review["findings"].empty() ? "none" : "");
  print_findings(review["findings"]);
  print_files(review.value("stats", json()));
  if (review.contains("interdiff")) {
    // A rebase changed what was approved: what changed is shown first.
    std::string changed = review.value("interdiff", std::string());
    std::printf("changed    since the approved diff %s..%s (a rebase changed it)\n\n%s\n",
                text(review, "approved_base").substr(0, 12).c_str(),
                text(review, "approved_head").substr(0, 12).c_str(),
                changed.empty() ? "(only in where it applies)\n" : shown_patch(changed).c_str());
  }
  std::printf("prompt     %s\n\n%s", text(review, "prompt").c_str(),
              shown_patch(review.value("patch", std::string())).c_str());
  if (review.value("patch_truncated", false)) {
    std::printf("[the patch goes on: %s bytes in all; `git diff %s %s` in the repository shows it whole]\n",
                review["patch_bytes_total"].dump().c_str(), text(review, "base").c_str(), text(review, "head").c_str());
  }
}

}  // namespace

CommandAction add_review_command(CLI::App& app, const GlobalOptions& globals) {
  app.require_subcommand(1);
  auto action = std::make_shared<std::function<int()>>();
  auto json_output = std::make_shared<bool>(false);
  auto repo = std::make_shared<std::string>();
  CLI::App* list = app.add_subcommand("list", "Diffs waiting for review");
  list->add_option("--repo", *repo, "Only this repository (id or path)");
  list->add_flag("--json", *json_output);
  list->callback([=, &globals] {
    *action = [=, &globals] {
      auto id = repo_id_of(globals, *repo);
      if (!id.is_ok()) return report_error(id.status());
      return print(client(globals).call("GET", "/v1/reviews?repo=" + percent_encode(*id)), *json_output,
                   [](const json& page) {
                     std::printf("%-22s %-24s %-9s %-16s %s\n", "TASK", "REPO", "APPROVALS", "DECISION", "PROMPT");
                     for (const auto& review : page["reviews"]) {
                       std::string approvals = std::to_string(review["approvals"].get<int>()) + "/" +
                                               std::to_string(review["approvals_required"].get<int>());
                       std::printf("%-22s %-24s %-9s %-16s %s\n", text(review, "task").c_str(),
                                   text(review, "repo").c_str(), approvals.c_str(), text(review, "decision").c_str(),
                                   text(review, "prompt").substr(0, 50).c_str());
                     }
                   });
    };
  });

  auto task = std::make_shared<std::string>();
  auto files_offset = std::make_shared<int64_t>(0);
  auto files_limit = std::make_shared<int64_t>(1000);
  CLI::App* show = app.add_subcommand("show", "One diff: findings, verdicts, its files and the patch");
  show->add_option("task", *task)->required();
  show->add_option("--files-offset", *files_offset, "Start at this changed file (a large diff comes in pages)");
  show->add_option("--files-limit", *files_limit, "Show at most this many changed files (default 1000)");
  show->add_flag("--json", *json_output);
  show->callback([=, &globals] {
    *action = [=, &globals] {
      std::string page =
          "?files_offset=" + std::to_string(*files_offset) + "&files_limit=" + std::to_string(*files_limit);
      return print(client(globals).call("GET", "/v1/reviews/" + percent_encode(*task) + page), *json_output,
                   print_review);
    };
  });

  auto diff = std::make_shared<std::string>();
  auto reason = std::make_shared<std::string>();
  for (const char* verb : {"approve", "reject"}) {
    std::string name = verb;
    CLI::App* judge = app.add_subcommand(verb, name == "approve" ? "Approve a diff" : "Reject a diff, with a reason");
    judge->add_option("task", *task)->required();
    judge->add_option("--diff", *diff, "The diff hash you reviewed (corral review show); default: the current one");
    auto* why = judge->add_option("--reason", *reason, "Why (required to reject)");
    if (name == "reject") why->required();
    judge->add_flag("--json", *json_output);
    judge->callback([=, &globals] {
      *action = [=, &globals] {
        std::string hash = *diff;
        if (hash.empty()) {
          auto current = client(globals).call("GET", "/v1/reviews/" + percent_encode(*task));
          if (!current.is_ok()) return report_error(current.status());
          hash = current->value("diff_hash", "");
        }
        json body = {{"diff_hash", hash}};
        if (!reason->empty()) body["reason"] = *reason;
        return print(client(globals).call("POST", "/v1/reviews/" + percent_encode(*task) + "/" + name, body.dump()),
                     *json_output, [](const json& done) {
                       std::printf("%s: %s (%d of %d approvals)\n", text(done, "task").c_str(),
                                   text(done, "state").c_str(), done["approvals"].get<int>(),
                                   done["approvals_required"].get<int>());
                     });
      };
    });
  }
  return [action] { return (*action)(); };
}

}  // namespace corral::cli
