#include "store/settings_history.h"

#include "store/statement.h"

namespace corral::store {
namespace {

constexpr const char* kColumns =
    "SELECT repo_id, version, settings, change, changed_by, reason, restored, at FROM settings_versions ";

SettingsVersion read_version(const Statement& row) {
  return {row.text(0), row.integer(1), row.text(2), row.text(3), row.text(4), row.text(5), row.integer(6), row.text(7)};
}

}  // namespace

Result<SettingsVersion> SettingsHistory::append(SettingsVersion version) {
  Status status = db_.in_transaction([&]() -> Status {
    Statement last(db_.handle(), "SELECT COALESCE(MAX(version), 0) FROM settings_versions WHERE repo_id = ?");
    last.bind(1, version.repo_id);
    Status step;
    if (!last.step(&step)) return step;
    version.version = last.integer(0) + 1;
    version.at = format_rfc3339(clock_.now());
    Statement insert(db_.handle(),
                     "INSERT INTO settings_versions(repo_id, version, settings, change, changed_by, reason, restored, "
                     "at) VALUES (?,?,?,?,?,?,?,?)");
    insert.bind(1, version.repo_id).bind(2, version.version).bind(3, version.settings).bind(4, version.change);
    insert.bind(5, version.changed_by).bind(6, version.reason).bind(7, version.restored).bind(8, version.at);
    return insert.run();
  });
  if (!status.is_ok()) return status.with_context("recording a settings version");
  return version;
}

Result<std::vector<SettingsVersion>> SettingsHistory::of_repo(const std::string& repo_id) {
  Statement select(db_.handle(), std::string(kColumns) + "WHERE repo_id = ? ORDER BY version");
  select.bind(1, repo_id);
  std::vector<SettingsVersion> versions;
  Status status;
  while (select.step(&status)) versions.push_back(read_version(select));
  if (!status.is_ok()) return status;
  return versions;
}

Result<std::optional<SettingsVersion>> SettingsHistory::find(const std::string& repo_id, int64_t version) {
  Statement select(db_.handle(), std::string(kColumns) + "WHERE repo_id = ? AND version = ?");
  select.bind(1, repo_id).bind(2, version);
  Status status;
  if (select.step(&status)) return std::optional<SettingsVersion>(read_version(select));
  if (!status.is_ok()) return status;
  return std::optional<SettingsVersion>();
}

}  // namespace corral::store
