#include "git/ancestry.h"

#include "git/git_handles.h"

namespace corral::git {
namespace {

using RevwalkPtr = std::unique_ptr<git_revwalk, Freer<git_revwalk, git_revwalk_free>>;

CommitInfo info_of(git_commit* commit) {
  const char* summary = git_commit_summary(commit);
  const char* message = git_commit_message(commit);
  const git_signature* author = git_commit_author(commit);
  return {oid_hex(*git_commit_id(commit)), summary ? summary : "", author && author->name ? author->name : "",
          message ? message : ""};
}

Result<std::vector<CommitInfo>> walk(const std::string& repo_path, const std::string& hide, const std::string& push,
                                     unsigned sorting, size_t limit) {
  auto repo = open_repository(repo_path);
  if (!repo.is_ok()) return repo.status();
  git_revwalk* raw = nullptr;
  CORRAL_RETURN_IF_ERROR(git_status(git_revwalk_new(&raw, repo->get()), "walking history"));
  RevwalkPtr walker(raw);
  git_revwalk_sorting(walker.get(), sorting);
  auto tip = parse_oid(push);
  if (!tip.is_ok()) return tip.status();
  CORRAL_RETURN_IF_ERROR(git_status(git_revwalk_push(walker.get(), &*tip), "reading commit " + push));
  if (!hide.empty()) {
    auto hidden = parse_oid(hide);
    if (!hidden.is_ok()) return hidden.status();
    CORRAL_RETURN_IF_ERROR(git_status(git_revwalk_hide(walker.get(), &*hidden), "reading commit " + hide));
  }
  std::vector<CommitInfo> commits;
  git_oid oid;
  while (commits.size() < limit && git_revwalk_next(&oid, walker.get()) == 0) {
    auto commit = lookup_commit(repo->get(), oid_hex(oid));
    if (!commit.is_ok()) return commit.status();
    commits.push_back(info_of(commit->get()));
  }
  return commits;
}

}  // namespace

Result<CommitInfo> describe_commit(const std::string& repo_path, const std::string& commit) {
  auto repo = open_repository(repo_path);
  if (!repo.is_ok()) return repo.status();
  auto found = lookup_commit(repo->get(), commit);
  if (!found.is_ok()) return Status::not_found("no commit " + commit + " in " + repo_path);
  return info_of(found->get());
}

Result<bool> is_ancestor(const std::string& repo_path, const std::string& ancestor, const std::string& descendant) {
  if (ancestor == descendant) return true;
  auto repo = open_repository(repo_path);
  if (!repo.is_ok()) return repo.status();
  auto a = parse_oid(ancestor);
  if (!a.is_ok()) return a.status();
  auto d = parse_oid(descendant);
  if (!d.is_ok()) return d.status();
  int rc = git_graph_descendant_of(repo->get(), &*d, &*a);
  CORRAL_RETURN_IF_ERROR(git_status(rc, "comparing " + ancestor + " with " + descendant));
  return rc == 1;
}

Result<std::vector<CommitInfo>> commits_between(const std::string& repo_path, const std::string& from,
                                                const std::string& to, size_t limit) {
  return walk(repo_path, from, to, GIT_SORT_TOPOLOGICAL | GIT_SORT_REVERSE, limit);
}

Result<std::vector<CommitInfo>> commits_lost(const std::string& repo_path, const std::string& old_tip,
                                             const std::string& new_tip, size_t limit) {
  return walk(repo_path, new_tip, old_tip, GIT_SORT_TOPOLOGICAL, limit);
}

}  // namespace corral::git
