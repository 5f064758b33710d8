#include "git/diff.h"

#include <nlohmann/json.hpp>

#include "git/git_handles.h"

namespace corral::git {
namespace {

char status_letter(git_delta_t status) {
  switch (status) {
    case GIT_DELTA_ADDED:
      return 'A';
    case GIT_DELTA_DELETED:
      return 'D';
    case GIT_DELTA_RENAMED:
      return 'R';
    case GIT_DELTA_TYPECHANGE:
      return 'T';
    case GIT_DELTA_COPIED:
      return 'C';
    default:
      return 'M';
  }
}

void collect_hunks(git_patch* patch, FileChange& change) {
  for (size_t hunk = 0; hunk < git_patch_num_hunks(patch); ++hunk) {
    const git_diff_hunk* header = nullptr;
    if (git_patch_get_hunk(&header, nullptr, patch, hunk) == 0)
      change.base_ranges.emplace_back(header->old_start, header->old_lines);
    int lines = git_patch_num_lines_in_hunk(patch, hunk);
    for (int i = 0; i < lines; ++i) {
      const git_diff_line* line = nullptr;
      if (git_patch_get_line_in_hunk(&line, patch, hunk, static_cast<size_t>(i)) != 0) continue;
      if (line->origin != GIT_DIFF_LINE_ADDITION) continue;
      std::string text(line->content, line->content_len);
      if (!text.empty() && text.back() == '\n') text.pop_back();
      change.added.push_back({line->new_lineno, std::move(text)});
    }
  }
}

Status read_link_target(git_repository* repo, const git_diff_delta* delta, FileChange& change) {
  if (delta->new_file.mode != GIT_FILEMODE_LINK) return Status::ok();
  git_blob* raw = nullptr;
  CORRAL_RETURN_IF_ERROR(git_status(git_blob_lookup(&raw, repo, &delta->new_file.id), "reading a symlink"));
  change.link_target.assign(static_cast<const char*>(git_blob_rawcontent(raw)),
                            static_cast<size_t>(git_blob_rawsize(raw)));
  git_blob_free(raw);
  return Status::ok();
}

Result<FileChange> describe(git_repository* repo, git_diff* diff, size_t index) {
  const git_diff_delta* delta = git_diff_get_delta(diff, index);
  FileChange change;
  change.status = status_letter(delta->status);
  change.path = delta->status == GIT_DELTA_DELETED ? delta->old_file.path : delta->new_file.path;
  if (delta->status == GIT_DELTA_RENAMED) change.old_path = delta->old_file.path;
  change.old_mode = delta->old_file.mode;
  change.new_mode = delta->new_file.mode;
  change.binary = (delta->flags & GIT_DIFF_FLAG_BINARY) != 0;
  CORRAL_RETURN_IF_ERROR(read_link_target(repo, delta, change));
  git_patch* raw = nullptr;
  CORRAL_RETURN_IF_ERROR(git_status(git_patch_from_diff(&raw, diff, index), "reading patch"));
  PatchPtr patch(raw);
  size_t context = 0, additions = 0, deletions = 0;
  if (patch) {
    git_patch_line_stats(&context, &additions, &deletions, patch.get());
    change.binary = change.binary || (git_patch_get_delta(patch.get())->flags & GIT_DIFF_FLAG_BINARY);
    if (!change.binary) collect_hunks(patch.get(), change);
  }
  change.insertions = static_cast<int>(additions);
  change.deletions = static_cast<int>(deletions);
  return change;
}

Result<std::string> patch_text(git_diff* diff) {
  git_buf buf = GIT_BUF_INIT;
  int rc = git_diff_to_buf(&buf, diff, GIT_DIFF_FORMAT_PATCH);
  std::string text = rc == 0 && buf.ptr ? std::string(buf.ptr, buf.size) : std::string();
  git_buf_dispose(&buf);
  CORRAL_RETURN_IF_ERROR(git_status(rc, "formatting patch"));
  return text;
}

}  // namespace

Result<DiffSummary> diff_commits(const std::string& repo_path, const std::string& from_commit,
                                 const std::string& to_commit) {
  auto repo = open_repository(repo_path);
  if (!repo.is_ok()) return repo.status();
  auto diffed = diff_of_commits(repo->get(), from_commit, to_commit);
  if (!diffed.is_ok()) return diffed.status();
  DiffPtr diff = std::move(*diffed);
  git_diff_find_options find = GIT_DIFF_FIND_OPTIONS_INIT;
  find.flags = GIT_DIFF_FIND_RENAMES;
  CORRAL_RETURN_IF_ERROR(git_status(git_diff_find_similar(diff.get(), &find), "finding renames"));

  DiffSummary summary;
  for (size_t i = 0; i < git_diff_num_deltas(diff.get()); ++i) {
    auto change = describe(repo->get(), diff.get(), i);
    if (!change.is_ok()) return change.status();
    summary.insertions += change->insertions;
    summary.deletions += change->deletions;
    summary.files.push_back(std::move(*change));
  }
  auto text = patch_text(diff.get());
  if (!text.is_ok()) return text.status();
  summary.patch = std::move(*text);
  return summary;
}

void to_json(nlohmann::json& out, const DiffSummary& summary) {
  auto files = nlohmann::json::array();
  for (const FileChange& change : summary.files) {
    nlohmann::json file = {{"status", std::string(1, change.status)},
                           {"path", change.path},
                           {"insertions", change.insertions},
                           {"deletions", change.deletions},
                           {"binary", change.binary}};
    if (!change.old_path.empty()) file["old_path"] = change.old_path;
    if (!change.base_ranges.empty()) {
      auto ranges = nlohmann::json::array();
      for (size_t i = 0; i < change.base_ranges.size() && i < kMaxRangesShown; ++i)
        ranges.push_back({change.base_ranges[i].first, change.base_ranges[i].second});
      file["ranges"] = std::move(ranges);
    }
    if (change.old_mode != change.new_mode && change.old_mode && change.new_mode) {
      char modes[32];
      std::snprintf(modes, sizeof modes, "%06o -> %06o", change.old_mode, change.new_mode);
      file["mode_change"] = modes;
    }
    files.push_back(std::move(file));
  }
  out = {{"files_changed", summary.files.size()},
         {"insertions", summary.insertions},
         {"deletions", summary.deletions},
         {"files", std::move(files)}};
}

}  // namespace corral::git
