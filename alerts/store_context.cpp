#include "alerts/store_context.h"

#include <nlohmann/json.hpp>

namespace corral::alerts {
namespace {

// Tasks whose change may still reach the branch.
const std::vector<store::TaskState> kInFlight = {store::TaskState::kRunning, store::TaskState::kSucceeded,
                                                 store::TaskState::kReview, store::TaskState::kMerging};
// At most this many are compared (the oldest first): bounded work per proposal.
constexpr int kInFlightLimit = 200;

}  // namespace

const settings::RepoSettings& StoreContext::settings_of(const std::string& repo_id) {
  auto cached = cache_.settings.find(repo_id);
  if (cached != cache_.settings.end()) return cached->second;
  settings::RepoSettings found;
  if (!repo_id.empty()) {
    auto repo = tx_.records.find_repo(repo_id);
    note(repo.status());
    if (repo.is_ok() && *repo) {
      auto parsed = settings::settings_of(**repo);
      note(parsed.status());
      if (parsed.is_ok()) found = std::move(*parsed);
    }
  }
  return cache_.settings.emplace(repo_id, std::move(found)).first->second;
}

std::vector<InFlightChange> StoreContext::in_flight(const std::string& repo_id, const std::string& except_task) {
  std::vector<InFlightChange> changes;
  auto tasks = tx_.queue.in_states(repo_id, kInFlight, kInFlightLimit);
  note(tasks.status());
  if (!tasks.is_ok()) return changes;
  for (const auto& [task_id, state] : *tasks) {
    if (task_id == except_task) continue;
    auto proposed = tx_.events.last_of_type(task_id, "diff.proposed");
    note(proposed.status());
    if (!proposed.is_ok() || !*proposed) continue;
    auto payload = nlohmann::json::parse((*proposed)->event.payload, nullptr, false);
    if (!payload.is_object() || !payload.value("changed", false)) continue;
    changes.push_back({task_id, state, changed_files(payload.value("stats", nlohmann::json()))});
  }
  return changes;
}

bool StoreContext::first_use_of_tool(const std::string& repo_id, const std::string& tool, const std::string& run_id) {
  if (cache_.tools.count({repo_id, tool})) return false;
  auto first = tx_.alerts.first_use_of_tool(repo_id, tool, run_id);
  note(first.status());
  if (first.is_ok()) cache_.tools.insert({repo_id, tool});
  return first.is_ok() && *first;
}

}  // namespace corral::alerts
