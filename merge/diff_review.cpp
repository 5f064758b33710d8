#include "merge/diff_review.h"

#include "core/hash.h"
#include "git/diff.h"

namespace corral::merge {
namespace {

std::vector<policy::ProposedChange> proposed_changes(const git::DiffSummary& diff) {
  std::vector<policy::ProposedChange> changes;
  for (const git::FileChange& file : diff.files) {
    policy::ProposedChange change{file.status, file.path,        file.old_path,   file.old_mode,  file.new_mode,
                                  file.binary, file.link_target, file.insertions, file.deletions, {}};
    for (const git::AddedLine& line : file.added) change.added.push_back({line.line, line.text});
    changes.push_back(std::move(change));
  }
  return changes;
}

}  // namespace

Result<CheckedDiff> check_commits(const RepoContext& repo, const std::string& from, const std::string& to) {
  auto diff = git::diff_commits(repo.record.mirror_path, from, to);
  if (!diff.is_ok()) return diff.status();
  CheckedDiff checked;
  checked.verdict = policy::check_diff(proposed_changes(*diff), settings::diff_rules(repo.settings, repo.tier));
  checked.hash = sha256_hex(diff->patch);
  checked.files_changed = static_cast<int>(diff->files.size());
  checked.insertions = diff->insertions;
  checked.deletions = diff->deletions;
  return checked;
}

std::string first_refusal(const policy::DiffVerdict& verdict) {
  for (const auto& finding : verdict.findings) {
    if (finding.decision == policy::Decision::kRefuse) {
      std::string where = finding.path + (finding.line ? ":" + std::to_string(finding.line) : "");
      return finding.rule + " at " + where + ": " + finding.message;
    }
  }
  return "";
}

}  // namespace corral::merge
