#include "orchestrator/repo_context.h"

#include <nlohmann/json.hpp>

namespace corral::orchestrator {

bool RepoContext::is_protected(const std::string& branch) const {
  return orchestrator::is_protected(settings, branch, default_branch);
}

Result<RepoContext> load_repo_context(Service& service, const std::string& repo_id) {
  store::TierRecord computed;
  auto record = service.with_store([&](Service::Store& store) -> Result<std::optional<store::RepoRecord>> {
    auto tier = store.outcomes.tier(repo_id);
    if (!tier.is_ok()) return tier.status();
    computed = *tier;
    return store.records.find_repo(repo_id);
  });
  if (!record.is_ok()) return record.status();
  if (!*record) return Status::not_found("no repository " + repo_id);
  RepoContext context;
  context.record = **record;
  auto document = nlohmann::json::parse(context.record.settings, nullptr, false);
  if (document.is_discarded()) return Status::corrupt("the settings of " + repo_id + " are not JSON");
  auto settings = parse_settings(document);
  if (!settings.is_ok()) return settings.status().with_context("the stored settings of " + repo_id);
  context.settings = *settings;
  context.tier = effective_tier(*settings, routing::parse_tier(computed.tier).value_or(routing::Tier::kObserve));
  context.upstream = {settings->upstream.empty() ? context.record.source_path : settings->upstream,
                      settings->credentials};
  auto branch = git::upstream_default_branch(context.record.mirror_path, context.upstream);
  if (!branch.is_ok()) return branch.status();
  context.default_branch = *branch;
  return context;
}

std::string shared_ref(const std::string& branch) { return "refs/shared/heads/" + branch; }
std::string upstream_ref(const std::string& branch) { return "refs/upstream/heads/" + branch; }

}  // namespace corral::orchestrator
