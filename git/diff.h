// What changed between two commits of a repository: per-file status and line
// counts (renames detected), totals, and the patch text.
#pragma once

#include <nlohmann/json_fwd.hpp>

#include <string>
#include <vector>

#include "core/status.h"

namespace corral::git {

struct AddedLine {
  int line = 0;      // 1-based, in the new file
  std::string text;  // without the line break
};

struct FileChange {
  char status = 'M';     // A added, M modified, D deleted, R renamed, T type changed
  std::string path;      // new path (old path for deletions)
  std::string old_path;  // set for renames
  int old_mode = 0;      // octal git modes, e.g. 0100644; 0 when absent
  int new_mode = 0;
  int insertions = 0;
  int deletions = 0;
  bool binary = false;
  std::string link_target;       // new mode 0120000: the link's target
  std::vector<AddedLine> added;  // every added line (empty for binary files)
  // Each hunk's lines in the old file: (first line, count); a pure insertion
  // has count 0 and the line it follows. What two changes of one base overlap on.
  std::vector<std::pair<int, int>> base_ranges;
};

struct DiffSummary {
  std::vector<FileChange> files;
  int insertions = 0;
  int deletions = 0;
  std::string patch;  // unified diff text
};

// The changes from `from_commit` to `to_commit` in the repository at
// `repo_path`: what the commit step checks and what a reviewer reads.
Result<DiffSummary> diff_commits(const std::string& repo_path, const std::string& from_commit,
                                 const std::string& to_commit);

// {"files_changed", "insertions", "deletions", "files": [{status, path, ..., "ranges": [[first, count]]}]}
// (at most kMaxRangesShown ranges a file)
inline constexpr size_t kMaxRangesShown = 100;
void to_json(nlohmann::json& out, const DiffSummary& summary);

}  // namespace corral::git
