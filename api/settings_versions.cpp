#include "api/settings_versions.h"

#include "api/repo_access.h"
#include "core/json_fields.h"
#include "store/event_record.h"

namespace corral::api {
namespace {

using json = nlohmann::json;

json version_json(const store::SettingsVersion& version) {
  json out = {{"version", version.version},
              {"at", version.at},
              {"changed_by", version.changed_by},
              {"reason", version.reason},
              {"change", version.change.empty() ? json(nullptr) : json::parse(version.change, nullptr, false)},
              {"settings", json::parse(version.settings, nullptr, false)}};
  if (version.restored) out["restored"] = version.restored;
  return out;
}

Result<store::SettingsVersion> version_of(store::Transaction& store, const std::string& repo_id, int64_t number) {
  auto found = store.settings_history.find(repo_id, number);
  if (!found.is_ok()) return found.status();
  if (!*found) return Status::not_found("repository " + repo_id + " has no settings version " + std::to_string(number));
  return **found;
}

}  // namespace

Result<store::SettingsVersion> apply_settings(store::Transaction& store, const store::RepoRecord& repo,
                                              const settings::RepoSettings& before, const settings::RepoSettings& after,
                                              const SettingsChange& change) {
  json was = settings::settings_json(before), now = settings::settings_json(after);
  store::SettingsVersion made;
  Status saved = store.atomically([&]() -> Status {
    auto versions = store.settings_history.of_repo(repo.id);
    if (!versions.is_ok()) return versions.status();
    if (versions->empty()) {
      auto first = store.settings_history.append(
          {repo.id, 0, was.dump(), "", "", "the settings before their history began", 0, ""});
      if (!first.is_ok()) return first.status();
    }
    CORRAL_RETURN_IF_ERROR(store.records.set_repo_settings(repo.id, now.dump()));
    auto version = store.settings_history.append(
        {repo.id, 0, now.dump(), change.change.dump(), change.by, change.reason, change.restored, ""});
    if (!version.is_ok()) return version.status();
    made = *version;
    return store::RepoEvent("policy.changed", repo.id)
        .payload({{"changed_by", change.by},
                  {"change", change.change},
                  {"reason", change.reason},
                  {"version", made.version},
                  {"before", was},
                  {"after", now}})
        .record(store.events);
  });
  if (!saved.is_ok()) return saved;
  return made;
}

Result<json> SettingsVersionsDesk::history(const policy::Caller& caller, const std::string& repo_id) {
  return store_.with([&](store::Transaction& store) -> Result<json> {
    auto repo = repo_for(store, caller, repo_id, policy::Action::kRead);
    if (!repo.is_ok()) return repo.status();
    auto versions = store.settings_history.of_repo(repo_id);
    if (!versions.is_ok()) return versions.status();
    json out = {{"repo", repo_id}, {"versions", json::array()}};
    for (const auto& version : *versions) out["versions"].push_back(version_json(version));
    return out;
  });
}

Result<json> SettingsVersionsDesk::rollback(const policy::Caller& caller, const std::string& repo_id,
                                            const json& body) {
  CORRAL_RETURN_IF_ERROR(check_fields(
      body, {{"version", FieldType::kInteger, true}, {"reason", FieldType::kString, true}}, "the rollback"));
  std::string reason = body["reason"];
  if (reason.find_first_not_of(" \t\r\n") == std::string::npos) {
    return Status::invalid_argument("a rollback needs a reason: say why");
  }
  int64_t number = body["version"];
  return store_.with([&](store::Transaction& store) -> Result<json> {
    auto repo = repo_for(store, caller, repo_id, policy::Action::kManageRepo);
    if (!repo.is_ok()) return repo.status();
    auto target = version_of(store, repo_id, number);
    if (!target.is_ok()) return target.status();
    auto before = settings::settings_of(*repo);
    if (!before.is_ok()) return before.status();
    auto restored = settings::parse_settings(json::parse(target->settings, nullptr, false));
    if (!restored.is_ok()) return restored.status().with_context("settings version " + std::to_string(number));
    store::SettingsVersion made;
    Status saved = store.atomically([&]() -> Status {
      auto version = apply_settings(store, *repo, *before, *restored,
                                    {json{{"rollback_to", number}}, caller.name, reason, number});
      if (!version.is_ok()) return version.status();
      made = *version;
      return store::RepoEvent("policy.rolled_back", repo_id)
          .payload({{"by", caller.name}, {"reason", reason}, {"restored", number}, {"version", made.version}})
          .record(store.events);
    });
    if (!saved.is_ok()) return saved;
    return version_json(made);
  });
}

Result<settings::RepoSettings> settings_of_version(store::Transaction& store, const std::string& repo_id,
                                                   int64_t number) {
  auto version = version_of(store, repo_id, number);
  if (!version.is_ok()) return version.status();
  return settings::parse_settings(json::parse(version->settings, nullptr, false));
}

}  // namespace corral::api
