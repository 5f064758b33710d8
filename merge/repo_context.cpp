#include "merge/repo_context.h"

#include "admission/learning.h"

namespace corral::merge {

bool RepoContext::is_protected(const std::string& branch) const {
  return settings::is_protected(settings, branch, default_branch);
}

Result<RepoContext> load_repo_context(store::Store& store, const std::string& repo_id) {
  store::TierRecord computed;
  auto record = store.with([&](store::Transaction& store) -> Result<std::optional<store::RepoRecord>> {
    auto tier = store.outcomes.tier(repo_id);
    if (!tier.is_ok()) return tier.status();
    computed = *tier;
    return store.records.find_repo(repo_id);
  });
  if (!record.is_ok()) return record.status();
  if (!*record) return Status::not_found("no repository " + repo_id);
  RepoContext context;
  context.record = **record;
  auto settings = settings::settings_of(context.record);
  if (!settings.is_ok()) return settings.status();
  context.settings = *settings;
  context.tier = admission::tier_in_force(*settings, computed).tier;
  context.upstream = {settings->upstream.empty() ? context.record.source_path : settings->upstream,
                      settings->credentials};
  auto branch = git::upstream_default_branch(context.record.mirror_path, context.upstream);
  if (!branch.is_ok()) return branch.status();
  context.default_branch = *branch;
  return context;
}

std::string shared_ref(const std::string& branch) { return "refs/shared/heads/" + branch; }
std::string upstream_ref(const std::string& branch) { return "refs/upstream/heads/" + branch; }

}  // namespace corral::merge
