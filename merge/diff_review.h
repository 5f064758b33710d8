// Checking a task's change for the commit step: the diff between two
// commits of the mirror, judged by the diff rules of the repository's tier
// in force, and the SHA-256 of its patch that reviews bind to.
#pragma once

#include <string>

#include "merge/repo_context.h"
#include "policy/diff_checks.h"

namespace corral::merge {

struct CheckedDiff {
  policy::DiffVerdict verdict;
  std::string hash;  // sha256 of the patch text
  int files_changed = 0;
  int insertions = 0;
  int deletions = 0;
};

Result<CheckedDiff> check_commits(const RepoContext& repo, const std::string& from, const std::string& to);

// "rule at path:line: message" of the first refusing finding, "" if none refuses.
std::string first_refusal(const policy::DiffVerdict& verdict);

}  // namespace corral::merge
