#include "git/patch_id.h"

#include <sstream>

#include "git/diff.h"
#include "git/git_handles.h"

namespace corral::git {
namespace {

// The patch without what a rebase moves though the change is the same: the
// hunk headers' line numbers (their function context stays) and the blob
// ids of "index" lines.
std::string without_positions(const std::string& patch) {
  std::istringstream lines(patch);
  std::string out;
  for (std::string line; std::getline(lines, line);) {
    if (line.starts_with("index ")) continue;
    if (line.starts_with("@@ ")) {
      size_t close = line.find(" @@", 3);
      line = close == std::string::npos ? "@@" : "@@" + line.substr(close + 3);
    }
    out += line + "\n";
  }
  return out;
}

}  // namespace

Result<std::string> patch_id(const std::string& repo_path, const std::string& from, const std::string& to) {
  auto repo = open_repository(repo_path);
  if (!repo.is_ok()) return repo.status();
  auto diff = diff_of_commits(repo->get(), from, to);
  if (!diff.is_ok()) return diff.status();
  if (git_diff_num_deltas(diff->get()) == 0) return std::string();
  git_oid id;
  git_diff_patchid_options options = GIT_DIFF_PATCHID_OPTIONS_INIT;
  CORRAL_RETURN_IF_ERROR(git_status(git_diff_patchid(&id, diff->get(), &options), "computing a patch id"));
  return oid_hex(id);
}

Result<std::string> interdiff(const std::string& repo_path, const std::string& approved_from,
                              const std::string& approved_to, const std::string& from, const std::string& to) {
  auto approved = diff_commits(repo_path, approved_from, approved_to);
  if (!approved.is_ok()) return approved.status();
  auto now = diff_commits(repo_path, from, to);
  if (!now.is_ok()) return now.status();
  std::string before = without_positions(approved->patch);
  std::string after = without_positions(now->patch);
  if (before == after) return std::string();
  git_patch* raw = nullptr;
  git_diff_options options = GIT_DIFF_OPTIONS_INIT;
  int rc = git_patch_from_buffers(&raw, before.data(), before.size(), "approved.diff", after.data(), after.size(),
                                  "current.diff", &options);
  PatchPtr patch(raw);
  CORRAL_RETURN_IF_ERROR(git_status(rc, "comparing two diffs"));
  git_buf buf = GIT_BUF_INIT;
  rc = git_patch_to_buf(&buf, patch.get());
  std::string text = rc == 0 && buf.ptr ? std::string(buf.ptr, buf.size) : std::string();
  git_buf_dispose(&buf);
  CORRAL_RETURN_IF_ERROR(git_status(rc, "formatting the interdiff"));
  return text;
}

}  // namespace corral::git
