#include "orchestrator/repo_desk.h"

#include <nlohmann/json.hpp>

#include "orchestrator/event_record.h"
#include "orchestrator/repo_settings.h"

namespace corral::orchestrator {
namespace {

using json = nlohmann::json;

Result<RepoSettings> stored_settings(const store::RepoRecord& repo) {
  auto document = json::parse(repo.settings, nullptr, false);
  if (document.is_discarded()) return Status::corrupt("the settings of " + repo.id + " are not JSON");
  return parse_settings(document);
}

json repo_json(const store::RepoRecord& repo, const RepoSettings& settings) {
  routing::TierLimits limits = current_limits(settings);
  return {{"id", repo.id},
          {"path", repo.source_path},
          {"settings", settings_json(settings)},
          {"limits", {{"approvals", limits.approvals}, {"max_files", limits.max_files}, {"max_lines", limits.max_lines}}}};
}

}  // namespace

Result<json> RepoDesk::show(const Caller& caller, const std::string& repo_id) {
  return service_.with_store([&](Service::Store& store) -> Result<json> {
    auto repo = store.records.find_repo(repo_id);
    if (!repo.is_ok()) return repo.status();
    if (!*repo) return Status::not_found("no repository " + repo_id);
    CORRAL_RETURN_IF_ERROR(check_access(caller, Action::kRead, repo_id));
    auto settings = stored_settings(**repo);
    if (!settings.is_ok()) return settings.status();
    return repo_json(**repo, *settings);
  });
}

Result<json> RepoDesk::change(const Caller& caller, const std::string& repo_id, const json& body) {
  return service_.with_store([&](Service::Store& store) -> Result<json> {
    auto repo = store.records.find_repo(repo_id);
    if (!repo.is_ok()) return repo.status();
    if (!*repo) return Status::not_found("no repository " + repo_id);
    CORRAL_RETURN_IF_ERROR(check_access(caller, Action::kManageRepo, repo_id));
    auto before = stored_settings(**repo);
    if (!before.is_ok()) return before.status();
    auto after = change_settings(*before, body);
    if (!after.is_ok()) return after.status();
    json stored = settings_json(*after);
    Status saved = store.db.in_transaction([&]() -> Status {
      CORRAL_RETURN_IF_ERROR(store.records.set_repo_settings(repo_id, stored.dump()));
      return record_event(store.events, "policy.changed", "", "", repo_id,
                          {{"changed_by", caller.name}, {"change", body}, {"before", settings_json(*before)},
                           {"after", stored}});
    });
    if (!saved.is_ok()) return saved;
    store::RepoRecord updated = **repo;
    updated.settings = stored.dump();
    return repo_json(updated, *after);
  });
}

}  // namespace corral::orchestrator
