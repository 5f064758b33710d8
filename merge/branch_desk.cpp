#include "merge/branch_desk.h"

#include <nlohmann/json.hpp>

#include "admission/learning.h"
#include "core/file_lock.h"
#include "core/json_fields.h"
#include "git/ancestry.h"
#include "git/integrate.h"
#include "git/mirror.h"
#include "git/revision.h"
#include "merge/repo_context.h"
#include "merge/shared_branch.h"
#include "merge/upstream_reverts.h"
#include "store/event_record.h"

namespace corral::merge {
namespace {

using json = nlohmann::json;

// The repository's context with its mirror up to date (an owner may name a
// commit that only the repository corral was given has).
Result<RepoContext> fresh_context(store::Store& store, const DataLayout& layout, const std::string& repo_id) {
  auto record = store.with([&](store::Transaction& store) { return store.records.find_repo(repo_id); });
  if (!record.is_ok()) return record.status();
  if (!*record) return Status::not_found("no repository " + repo_id);
  {
    auto lock = FileLock::acquire(layout.mirror_lock(repo_id));
    if (!lock.is_ok()) return lock.status();
    CORRAL_RETURN_IF_ERROR(git::sync_mirror((*record)->source_path, (*record)->mirror_path));
  }
  return load_repo_context(store, repo_id);
}

}  // namespace

Status BranchDesk::refuse(const policy::Caller& caller, const RepoContext& repo, const std::string& branch,
                          const std::string& from, const std::string& to, bool force, const std::string& why) {
  const std::string& repo_id = repo.record.id;
  auto lost = from.empty() ? Result<std::vector<git::CommitInfo>>(std::vector<git::CommitInfo>{})
                           : git::commits_lost(repo.record.mirror_path, from, to);
  if (!lost.is_ok()) return lost.status();
  json payload = {
      {"requested_by", caller.name}, {"branch", branch}, {"from", from}, {"to", to}, {"force", force}, {"reason", why},
      {"lost", commits_json(*lost)}};
  CORRAL_RETURN_IF_ERROR(store_.with([&](store::Transaction& store) -> Status {
    return store.db.in_transaction([&]() -> Status {
      CORRAL_RETURN_IF_ERROR(store::RepoEvent("merge.refused", repo_id).payload(payload).record(store.events));
      json alert = payload;
      alert["kind"] = "protected_branch_rewrite_refused";
      // A person asked, not an agent: an alert for the owners, not an
      // outcome that would move the agents' tier.
      return store::RepoEvent("alert.raised", repo_id).payload(alert).record(store.events);
    });
  }));
  return Status::permission_denied("refused: " + why + "; " + std::to_string(lost->size()) +
                                   " commit(s) would have been lost from " + branch + " (alert raised)");
}

Result<json> BranchDesk::move_branch(const policy::Caller& caller, const std::string& repo_id, const json& body) {
  CORRAL_RETURN_IF_ERROR(check_fields(
      body,
      {{"branch", FieldType::kString, true}, {"commit", FieldType::kString, true}, {"force", FieldType::kBoolean}},
      "the branch move"));
  CORRAL_RETURN_IF_ERROR(policy::check_access(caller, policy::Action::kManageRepo, repo_id));
  std::string branch = body["branch"];
  bool force = body.value("force", false);
  auto repo = fresh_context(store_, layout_, repo_id);
  if (!repo.is_ok()) return repo.status();
  if (!repo->is_protected(branch)) {
    return Status::invalid_argument(branch + " is not a protected branch of " + repo_id +
                                    "; corral moves only shared branches (see the 'protected' setting)");
  }
  std::string commit;
  if (!body["commit"].get<std::string>().empty()) {
    auto resolved = git::resolve_commit(repo->record.mirror_path, body["commit"]);
    if (!resolved.is_ok()) return resolved.status();
    commit = *resolved;
  }
  auto seen = observe_shared_branch(layout_, *repo, branch);
  if (!seen.is_ok()) return seen.status();
  CORRAL_RETURN_IF_ERROR(record_upstream_reverts(store_, *repo, seen->arrived));
  if (!seen->lost.empty()) {
    return Status::failed_precondition(branch + " was rewritten outside corral (" + std::to_string(seen->lost.size()) +
                                       " commit(s) corral saw are gone); nothing moves it until it is restored");
  }
  const std::string& tip = seen->tip;
  if (force) return refuse(caller, *repo, branch, tip, commit, true, "a forced update of a protected branch");
  if (commit.empty()) return refuse(caller, *repo, branch, tip, commit, false, "deleting a protected branch");
  if (!tip.empty()) {
    auto forward = git::is_ancestor(repo->record.mirror_path, tip, commit);
    if (!forward.is_ok()) return forward.status();
    if (!*forward) {
      return refuse(caller, *repo, branch, tip, commit, false,
                    "moving " + branch + " backwards or sideways (" + tip.substr(0, 12) + " is not an ancestor of " +
                        commit.substr(0, 12) + ")");
    }
  }
  if (tip != commit) CORRAL_RETURN_IF_ERROR(move_shared_branch(layout_, *repo, branch, tip, commit));
  json payload = {{"requested_by", caller.name}, {"branch", branch}, {"old", tip}, {"new", commit}, {"manual", true}};
  CORRAL_RETURN_IF_ERROR(store_.with([&](store::Transaction& store) {
    return store::RepoEvent("merge.completed", repo_id).payload(payload).record(store.events);
  }));
  return payload;
}

namespace {

// A merged task `caller` may roll back, and the record of its merge.
Result<std::pair<store::QueuedTask, store::MergeRecord>> merged_task(store::Store& desk_store,
                                                                     const policy::Caller& caller,
                                                                     const std::string& task_id) {
  return desk_store.with([&](store::Transaction& store) -> Result<std::pair<store::QueuedTask, store::MergeRecord>> {
    auto task = store.queue.find(task_id);
    if (!task.is_ok()) return task.status();
    if (!*task) return Status::not_found("no task " + task_id);
    CORRAL_RETURN_IF_ERROR(policy::check_access(caller, policy::Action::kManageRepo, (*task)->repo_id));
    if ((*task)->state != store::TaskState::kMerged) {
      return Status::failed_precondition(task_id + " is not merged (state " + store::stored_name((*task)->state) + ")");
    }
    auto merge = store.merges.find(task_id);
    if (!merge.is_ok()) return merge.status();
    if (!*merge || (*merge)->state != store::MergeState::kDone)
      return Status::internal("the merge record of " + task_id + " is missing");
    return std::make_pair(**task, **merge);
  });
}

}  // namespace

Result<json> BranchDesk::rollback(const policy::Caller& caller, const std::string& task_id, const json& body) {
  CORRAL_RETURN_IF_ERROR(check_fields(body, {{"reason", FieldType::kString, true}}, "the rollback"));
  std::string reason = body["reason"];
  if (reason.find_first_not_of(" \t\n") == std::string::npos) {
    return Status::invalid_argument("a rollback needs a reason");
  }
  auto found = merged_task(store_, caller, task_id);
  if (!found.is_ok()) return found.status();
  auto& [task, merge] = *found;
  if (merge.old_tip == merge.new_tip || merge.old_tip.empty()) {
    return Status::failed_precondition(task_id + " added no commits of its own to " + merge.branch);
  }
  auto repo = fresh_context(store_, layout_, task.repo_id);
  if (!repo.is_ok()) return repo.status();
  for (int attempt = 0; attempt < 5; ++attempt) {
    auto seen = observe_shared_branch(layout_, *repo, merge.branch);
    if (!seen.is_ok()) return seen.status();
    CORRAL_RETURN_IF_ERROR(record_upstream_reverts(store_, *repo, seen->arrived));
    auto now = store_.with([&](store::Transaction& store) { return store.queue.find(task_id); });
    if (!now.is_ok()) return now.status();
    if (*now && (*now)->state != store::TaskState::kMerged) {
      return Status::failed_precondition(task_id + " was " + (*now)->reason + " meanwhile; nothing left to roll back");
    }
    if (!seen->lost.empty()) return Status::failed_precondition(merge.branch + " was rewritten outside corral");
    git::Committer committer{"corral", "corral@localhost", store_.clock().now()};
    git::Integration reverted;
    {
      auto lock = FileLock::acquire(layout_.mirror_lock(task.repo_id));
      if (!lock.is_ok()) return lock.status();
      auto result = git::revert_onto(repo->record.mirror_path, merge.old_tip, merge.new_tip, seen->tip,
                                     "Corral-Rollback-Of: " + task_id, committer);
      if (!result.is_ok()) return result.status();
      reverted = *result;
    }
    if (!reverted.conflicts.empty()) {
      std::string files;
      for (const auto& path : reverted.conflicts) files += (files.empty() ? "" : ", ") + path;
      return Status::failed_precondition("rolling back " + task_id + " conflicts with later work in " + files +
                                         "; roll back the later tasks first");
    }
    Status moved = move_shared_branch(layout_, *repo, merge.branch, seen->tip, reverted.head);
    if (moved.code() == Code::kFailedPrecondition) continue;  // the upstream moved: revert on its new tip
    CORRAL_RETURN_IF_ERROR(moved);
    json payload = {{"requested_by", caller.name}, {"reason", reason},
                    {"branch", merge.branch},      {"old", seen->tip},
                    {"new", reverted.head},        {"reverted", {merge.old_tip, merge.new_tip}}};
    CORRAL_RETURN_IF_ERROR(store_.with([&](store::Transaction& store) -> Status {
      return store.db.in_transaction([&]() -> Status {
        CORRAL_RETURN_IF_ERROR(
            store.queue.transition(task_id, {store::TaskState::kMerged}, store::TaskState::kRolledBack, reason));
        CORRAL_RETURN_IF_ERROR(admission::learn_if_outcome(store, task, store::TaskState::kRolledBack));
        return store::TaskEvent("rollback.recorded", task).payload(payload).record(store.events);
      });
    }));
    payload["task"] = task_id;
    payload["state"] = "rolled_back";
    return payload;
  }
  return Status::failed_precondition("the upstream's " + merge.branch + " kept moving; try the rollback again");
}

}  // namespace corral::merge
