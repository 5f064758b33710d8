#include "merge/upstream_reverts.h"

#include <nlohmann/json.hpp>

#include <string_view>

#include "admission/learning.h"
#include "store/event_record.h"

namespace corral::merge {
namespace {

// The value of every line "PREFIX<value>" in `message`, trimmed of a final '.'.
std::vector<std::string> values_after(std::string_view message, std::string_view prefix) {
  std::vector<std::string> values;
  size_t start = 0;
  while (start < message.size()) {
    size_t end = message.find('\n', start);
    if (end == std::string_view::npos) end = message.size();
    std::string_view line = message.substr(start, end - start);
    if (line.substr(0, prefix.size()) == prefix) {
      std::string value(line.substr(prefix.size()));
      while (!value.empty() && (value.back() == '.' || value.back() == ' ' || value.back() == '\r')) value.pop_back();
      values.push_back(value);
    }
    start = end + 1;
  }
  return values;
}

Status record_one(store::Store& store, const std::string& task_id, const std::string& repo_id,
                  const git::CommitInfo& revert, const std::string& reverted) {
  return store.with([&](store::Transaction& store) -> Status {
    auto task = store.queue.find(task_id);
    if (!task.is_ok()) return task.status();
    if (!*task || (*task)->state != store::TaskState::kMerged || (*task)->repo_id != repo_id) return Status::ok();
    std::string reason = "reverted upstream by " + revert.id.substr(0, 12) + " (" + revert.author + ")";
    return store.db.in_transaction([&]() -> Status {
      CORRAL_RETURN_IF_ERROR(
          store.queue.transition(task_id, {store::TaskState::kMerged}, store::TaskState::kRolledBack, reason));
      CORRAL_RETURN_IF_ERROR(admission::learn_if_outcome(store, **task, store::TaskState::kRolledBack));
      return store::TaskEvent("rollback.recorded", **task)
          .payload({{"requested_by", "upstream"},
                    {"reason", reason},
                    {"revert", revert.id},
                    {"author", revert.author},
                    {"reverted", reverted}})
          .record(store.events);
    });
  });
}

}  // namespace

Status record_upstream_reverts(store::Store& store, const RepoContext& repo,
                               const std::vector<git::CommitInfo>& arrived) {
  for (const git::CommitInfo& commit : arrived) {
    for (const std::string& reverted : values_after(commit.message, "This reverts commit ")) {
      auto original = git::describe_commit(repo.record.mirror_path, reverted);
      if (!original.is_ok()) continue;  // not a commit corral has: not one of its merges
      for (const std::string& task : values_after(original->message, "Corral-Task: ")) {
        CORRAL_RETURN_IF_ERROR(record_one(store, task, repo.record.id, commit, reverted));
      }
    }
  }
  return Status::ok();
}

}  // namespace corral::merge
