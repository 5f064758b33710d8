#include "merge/shared_branch.h"

#include <nlohmann/json.hpp>

#include "core/file_lock.h"
#include "git/shared_ref.h"

namespace corral::merge {

Result<SharedTip> observe_shared_branch(const DataLayout& layout, const RepoContext& repo, const std::string& branch) {
  const std::string& mirror = repo.record.mirror_path;
  auto lock = FileLock::acquire(layout.mirror_lock(repo.record.id));
  if (!lock.is_ok()) return lock.status();
  auto upstream = git::fetch_upstream_branch(mirror, repo.upstream, branch, upstream_ref(branch));
  if (!upstream.is_ok()) return upstream.status();
  auto recorded = git::read_ref(mirror, shared_ref(branch));
  if (!recorded.is_ok()) return recorded.status();
  SharedTip seen{*upstream, {}, {}};
  if (*recorded == *upstream) return seen;
  if (!recorded->empty()) {
    bool forward = false;
    if (!upstream->empty()) {
      auto ancestor = git::is_ancestor(mirror, *recorded, *upstream);
      if (!ancestor.is_ok()) return ancestor.status();
      forward = *ancestor;
    }
    if (!forward) {
      auto lost = git::commits_lost(mirror, *recorded, *upstream);
      if (!lost.is_ok()) return lost.status();
      seen.lost = std::move(*lost);
      return seen;
    }
  }
  if (!recorded->empty()) {
    auto arrived = git::commits_between(mirror, *recorded, *upstream);
    if (!arrived.is_ok()) return arrived.status();
    seen.arrived = std::move(*arrived);
  }
  CORRAL_RETURN_IF_ERROR(
      git::advance_ref(mirror, shared_ref(branch), *recorded, *upstream, "corral: the upstream moved forward"));
  return seen;
}

nlohmann::json commits_json(const std::vector<git::CommitInfo>& commits) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& commit : commits) out.push_back({{"id", commit.id}, {"summary", commit.summary}});
  return out;
}

Status publish_shared_branch(const DataLayout& layout, const RepoContext& repo, const std::string& branch,
                             const std::string& old_tip, const std::string& new_tip) {
  const std::string& mirror = repo.record.mirror_path;
  Status published = Status::ok();
  {
    // A local upstream copies the commit by fetching from the mirror, which
    // lists the mirror's refs: no run may add or remove one meanwhile (a
    // speculative check's branch did, and the publish failed on it).
    auto reading = FileLock::acquire_shared(layout.mirror_lock(repo.record.id));
    if (!reading.is_ok()) return reading.status();
    published = git::publish_to_upstream(mirror, repo.upstream, branch, old_tip, new_tip);
  }
  if (published.is_ok()) return published;
  auto lock = FileLock::acquire(layout.mirror_lock(repo.record.id));
  if (!lock.is_ok()) return lock.status();
  CORRAL_RETURN_IF_ERROR(git::withdraw_unpublished(mirror, shared_ref(branch), new_tip, old_tip));
  return published;
}

Status move_shared_branch(const DataLayout& layout, const RepoContext& repo, const std::string& branch,
                          const std::string& old_tip, const std::string& new_tip,
                          const std::function<Status()>& advanced) {
  {
    auto lock = FileLock::acquire(layout.mirror_lock(repo.record.id));
    if (!lock.is_ok()) return lock.status();
    CORRAL_RETURN_IF_ERROR(
        git::advance_ref(repo.record.mirror_path, shared_ref(branch), old_tip, new_tip, "corral: move " + branch));
  }
  if (advanced) CORRAL_RETURN_IF_ERROR(advanced());
  return publish_shared_branch(layout, repo, branch, old_tip, new_tip);
}

}  // namespace corral::merge
