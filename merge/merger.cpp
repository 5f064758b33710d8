// A task's merge step by step (merger.h); the intent log's states read top
// to bottom in land(), after_publish() and resume().
#include "merge/merger.h"

#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include "admission/learning.h"
#include "core/file_lock.h"
#include "core/stage_hook.h"
#include "git/ancestry.h"
#include "git/integrate.h"
#include "git/mirror.h"
#include "git/patch_id.h"
#include "git/shared_ref.h"
#include "merge/conflict_follow_up.h"
#include "merge/diff_review.h"
#include "merge/shared_branch.h"
#include "merge/upstream_reverts.h"
#include "policy/diff_checks.h"
#include "routing/grant.h"
#include "runner/task_run.h"
#include "store/event_record.h"

namespace corral::merge {
namespace {

using json = nlohmann::json;

std::string short_id(const std::string& id) { return id.substr(0, 12); }

}  // namespace

Merger::Merger(store::Store& store, DataLayout layout, containers::SandboxBackend& backend, MergerOptions options)
    : store_(store), layout_(std::move(layout)), backend_(backend), options_(std::move(options)) {}

Status Merger::end_task(const std::string& task_id, store::TaskState state, const std::string& reason,
                        const std::string& event, const json& payload, store::TaskState from_state,
                        const std::function<Status(store::Transaction&)>& also) {
  return store_.with([&](store::Transaction& store) -> Status {
    return store.db.in_transaction([&]() -> Status {
      auto task = store.queue.find(task_id);
      if (!task.is_ok() || !*task)
        return task.is_ok() ? Status::not_found("task " + task_id + " vanished") : task.status();
      CORRAL_RETURN_IF_ERROR(store.queue.transition(task_id, {from_state}, state, reason));
      CORRAL_RETURN_IF_ERROR(admission::learn_if_outcome(store, **task, state));
      auto merge = store.merges.find(task_id);
      if (merge.is_ok() && *merge)
        CORRAL_RETURN_IF_ERROR(store.merges.set(task_id, store::MergeState::kPending, "", ""));
      json body = payload;
      body["reason"] = reason;
      CORRAL_RETURN_IF_ERROR(store::TaskEvent(event, **task).payload(body).record(store.events));
      return also ? also(store) : Status::ok();
    });
  });
}

Status Merger::give_up(const std::string& task_id, store::TaskState from_state, const Status& why) {
  spdlog::error("commit step for {}: {}", task_id, why.to_string());
  return end_task(task_id, store::TaskState::kMergeFailed, "the commit step failed: " + why.message(), "merge.failed",
                  json::object(), from_state);
}

Result<TaskMerge> Merger::load(const std::string& task_id, const RepoContext& repo) {
  return store_.with([&](store::Transaction& store) -> Result<TaskMerge> {
    auto task = store.queue.find(task_id);
    if (!task.is_ok() || !*task) return Status::not_found("task " + task_id + " vanished");
    auto review = store.reviews.find(task_id);
    if (!review.is_ok() || !*review) return Status::not_found("task " + task_id + " has no review");
    auto run = store.records.find_run((*review)->run_id);
    if (!run.is_ok() || !*run) return Status::not_found("the reviewed run of " + task_id + " vanished");
    return TaskMerge{**task, **run, **review, repo.branch_for((*task)->target_branch)};
  });
}

Result<std::optional<std::string>> Merger::observe(const RepoContext& repo, const std::string& branch,
                                                   const TaskMerge& anchor) {
  auto seen = observe_shared_branch(layout_, repo, branch);
  if (!seen.is_ok()) return seen.status();
  CORRAL_RETURN_IF_ERROR(record_upstream_reverts(store_, repo, seen->arrived));
  if (seen->lost.empty()) return std::optional<std::string>(seen->tip);
  // Someone rewrote or deleted the branch outside corral: what corral merged
  // is gone upstream. Nothing more merges there until an owner looks.
  std::string reason = "the upstream's " + branch + " no longer contains " + std::to_string(seen->lost.size()) +
                       " commit(s) corral saw there (rewritten outside corral); merging stopped";
  json alert = {
      {"kind", "shared_history_lost"}, {"branch", branch}, {"found", seen->tip}, {"lost", commits_json(seen->lost)}};
  CORRAL_RETURN_IF_ERROR(store_.with([&](store::Transaction& store) {
    return store::TaskEvent("alert.raised", anchor.task).payload(alert).record(store.events);
  }));
  CORRAL_RETURN_IF_ERROR(end_task(anchor.task.id, store::TaskState::kMergeFailed, reason, "merge.refused", alert));
  return std::optional<std::string>();
}

Result<std::optional<Merger::Integrated>> Merger::integrate(const TaskMerge& merge, const RepoContext& repo,
                                                            const std::string& onto) {
  if (onto.empty()) return std::optional<Integrated>(Integrated{merge.run.head_commit, false});  // a new branch
  const std::string& mirror = repo.record.mirror_path;
  git::Committer committer{"corral", "corral@localhost", store_.clock().now()};
  Result<git::Integration> integrated = Status::ok();
  {
    auto lock = FileLock::acquire(layout_.mirror_lock(repo.record.id));
    if (!lock.is_ok()) return lock.status();
    integrated =
        repo.settings.merge_method == settings::MergeMethod::kRebase
            ? git::rebase_onto(mirror, merge.run.base_commit, merge.run.head_commit, onto, committer)
            : git::merge_onto(mirror, onto, merge.run.head_commit,
                              "Merge corral task " + merge.task.id + "\n\nCorral-Task: " + merge.task.id + "\n",
                              committer);
  }
  if (!integrated.is_ok()) return integrated.status();
  if (integrated->conflicts.empty())
    return std::optional<Integrated>(Integrated{integrated->head, integrated->commits_written == 0});
  std::string files;
  for (const auto& path : integrated->conflicts) files += (files.empty() ? "" : ", ") + path;
  json payload = {{"branch", merge.branch}, {"onto", onto}, {"files", integrated->conflicts}};
  std::string next = "; retry the task to redo it on the new tip";
  std::optional<store::NewTask> follow_up;
  if (repo.settings.conflict_follow_up) {
    auto planned = plan_follow_up(repo, merge, onto, integrated->conflicts);
    if (!planned.is_ok()) return planned.status();
    follow_up = std::move(*planned);
    payload["follow_up"] = follow_up->id;
    next = "; follow-up task " + follow_up->id + " redoes it on the new tip";
  }
  CORRAL_RETURN_IF_ERROR(end_task(merge.task.id, store::TaskState::kConflicted,
                                  "conflicts with " + merge.branch + " at " + short_id(onto) + " in " + files + next,
                                  "merge.conflicted", payload, store::TaskState::kMerging, [&](store::Transaction& tx) {
                                    return follow_up ? queue_follow_up(tx, merge.task, *follow_up) : Status::ok();
                                  }));
  return std::optional<Integrated>();
}

Result<bool> Merger::recheck(TaskMerge& merge, const RepoContext& repo, const std::string& onto,
                             const std::string& commit) {
  if (onto.empty() || onto == merge.review.base_commit) return true;
  auto checked = check_commits(repo, onto, commit);
  if (!checked.is_ok()) return checked.status();
  const policy::DiffVerdict& verdict = checked->verdict;
  json payload = {{"check", "diff_rules"},
                  {"decision", policy::decision_name(verdict.decision)},
                  {"tip_moved", true},
                  {"onto", onto}};
  payload["findings"] = json(verdict)["findings"];
  if (verdict.decision == policy::Decision::kRefuse) {
    CORRAL_RETURN_IF_ERROR(
        end_task(merge.task.id, store::TaskState::kRefused, first_refusal(verdict), "check.failed", payload));
    return false;
  }
  const std::string& mirror = repo.record.mirror_path;
  bool approved_by_humans = merge.review.approvals_required > 0;
  if (approved_by_humans) {
    // What the reviewers approved is a change, not a place: it carries over
    // to a new base only if the hunks are the same.
    auto approved = git::patch_id(mirror, merge.review.base_commit, merge.review.head_commit);
    if (!approved.is_ok()) return approved.status();
    auto now = git::patch_id(mirror, onto, commit);
    if (!now.is_ok()) return now.status();
    if (*approved != *now)
      return ask_again(merge, onto, commit, checked->hash,
                       "rebased onto the branch's new tip, the change is no longer the one approved (patch id " +
                           approved->substr(0, 12) + " became " + now->substr(0, 12) + ")",
                       merge.review.approvals_required, payload["findings"], true);
    payload["approval_carried"] = true;
    CORRAL_RETURN_IF_ERROR(store_.with([&](store::Transaction& store) {
      return store::TaskEvent("approval.carried", merge.task)
          .run(merge.run.id)
          .payload({{"patch_id", *now},
                    {"approved_diff_hash", merge.review.diff_hash},
                    {"diff_hash", checked->hash},
                    {"onto", onto},
                    {"branch", merge.branch}})
          .record(store.events);
    }));
  } else if (verdict.decision == policy::Decision::kNeedsApproval) {
    // Merged with the branch's new tip, the change now needs a human.
    return ask_again(merge, onto, commit, checked->hash, "the tip moved and the diff now needs a human",
                     routing::approvals_needed(repo.limits(), true), payload["findings"], false);
  }
  CORRAL_RETURN_IF_ERROR(store_.with([&](store::Transaction& store) {
    return store::TaskEvent("check.passed", merge.task).run(merge.run.id).payload(payload).record(store.events);
  }));
  return true;
}

// Back to review with the change as it is on `onto`; with `keep_approved`
// the diff approved before is kept for the interdiff.
Result<bool> Merger::ask_again(TaskMerge& merge, const std::string& onto, const std::string& commit,
                               const std::string& diff_hash, const std::string& reason, int required,
                               const json& findings, bool keep_approved) {
  store::ReviewRecord review = merge.review;
  review.diff_hash = diff_hash;
  review.base_commit = onto;
  review.head_commit = commit;
  review.approvals_required = required;
  review.findings = findings.dump();
  if (keep_approved) {
    review.decision = policy::decision_name(policy::Decision::kNeedsApproval);
    review.approved_base = merge.review.base_commit;
    review.approved_head = merge.review.head_commit;
  }
  Status moved = store_.with([&](store::Transaction& store) {
    return store.db.in_transaction([&]() -> Status {
      CORRAL_RETURN_IF_ERROR(store.reviews.put(review));
      CORRAL_RETURN_IF_ERROR(
          store.queue.transition(merge.task.id, {store::TaskState::kMerging}, store::TaskState::kReview, ""));
      json requested = {{"diff_hash", review.diff_hash},
                        {"approvals_required", required},
                        {"branch", merge.branch},
                        {"reason", reason}};
      if (keep_approved) requested["approved_diff_hash"] = merge.review.diff_hash;
      return store::TaskEvent("approval.requested", merge.task)
          .run(merge.run.id)
          .payload(requested)
          .record(store.events);
    });
  });
  if (!moved.is_ok()) return moved;
  return false;
}

Status Merger::set_merge_state(const std::vector<Landed>& batch, store::MergeState state) {
  bool keep_tips = state != store::MergeState::kPending;
  std::string old_tip = keep_tips ? batch.front().onto : "";
  std::string new_tip = keep_tips ? batch.back().commit : "";
  return store_.with([&](store::Transaction& store) {
    return store.db.in_transaction([&]() -> Status {
      for (const Landed& landed : batch)
        CORRAL_RETURN_IF_ERROR(store.merges.set(landed.merge->task.id, state, old_tip, new_tip));
      return Status::ok();
    });
  });
}

Result<Landing> Merger::land(const std::vector<Landed>& batch, const RepoContext& repo) {
  for (const Landed& landed : batch) {
    auto opened = store_.with([&](store::Transaction& store) {
      return store.merges.open(landed.merge->task.id, landed.merge->task.repo_id, landed.merge->branch);
    });
    if (!opened.is_ok()) return opened.status();
  }
  const std::string& old_tip = batch.front().onto;
  const std::string& new_tip = batch.back().commit;
  if (old_tip == new_tip) {
    // The changes are on the branch already: nothing moves, and each counts as merged once.
    CORRAL_RETURN_IF_ERROR(set_merge_state(batch, store::MergeState::kDone));
    for (const Landed& landed : batch) CORRAL_RETURN_IF_ERROR(finish_published(landed, repo, batch));
    return Landing::kSettled;
  }
  CORRAL_RETURN_IF_ERROR(set_merge_state(batch, store::MergeState::kPrepared));
  Status moved = move_shared_branch(layout_, repo, batch.front().merge->branch, old_tip, new_tip, [&] {
    CORRAL_RETURN_IF_ERROR(set_merge_state(batch, store::MergeState::kAdvanced));
    reached(options_.at_stage, "merge_publish");
    return Status::ok();
  });
  return after_publish(batch, repo, moved);
}

Result<Landing> Merger::after_publish(const std::vector<Landed>& batch, const RepoContext& repo,
                                      const Status& published) {
  if (published.is_ok()) {
    reached(options_.at_stage, "merge_finish");
    CORRAL_RETURN_IF_ERROR(set_merge_state(batch, store::MergeState::kDone));
    for (const Landed& landed : batch) CORRAL_RETURN_IF_ERROR(finish_published(landed, repo, batch));
    return Landing::kSettled;
  }
  CORRAL_RETURN_IF_ERROR(set_merge_state(batch, store::MergeState::kPending));
  // The upstream (or the record) moved, or a git process holds its lock: look again.
  if (published.code() == Code::kFailedPrecondition || published.code() == Code::kBusy) {
    batch.front().merge->last_refusal = published;
    return Landing::kMoved;
  }
  for (const Landed& landed : batch)
    CORRAL_RETURN_IF_ERROR(end_task(landed.merge->task.id, store::TaskState::kMergeFailed,
                                    "publishing to the upstream failed: " + published.message(), "merge.failed",
                                    {{"branch", landed.merge->branch}}));
  return Landing::kSettled;
}

Result<std::optional<Landing>> Merger::resume(TaskMerge& merge, const RepoContext& repo) {
  auto record = store_.with(
      [&](store::Transaction& store) { return store.merges.open(merge.task.id, merge.task.repo_id, merge.branch); });
  if (!record.is_ok()) return record.status();
  const std::string& old_tip = record->old_tip;
  const std::string& new_tip = record->new_tip;
  if (record->state == store::MergeState::kPending) return std::optional<Landing>();
  // A batch's members each recorded the batch's tips: each is finished alike.
  std::vector<Landed> alone = {{&merge, old_tip, new_tip}};
  if (record->state == store::MergeState::kDone) {
    CORRAL_RETURN_IF_ERROR(finish_published(alone.front(), repo, alone));
    return std::optional<Landing>(Landing::kSettled);
  }
  const std::string& mirror = repo.record.mirror_path;
  auto recorded = git::read_ref(mirror, shared_ref(merge.branch));  // a read; writers hold the mirror lock
  if (!recorded.is_ok()) return recorded.status();
  if (record->state == store::MergeState::kPrepared && *recorded != new_tip) {
    // The crash came before the compare-and-swap: nothing moved.
    CORRAL_RETURN_IF_ERROR(set_merge_state(alone, store::MergeState::kPending));
    return std::optional<Landing>(Landing::kMoved);
  }
  auto seen = observe_shared_branch(layout_, repo, merge.branch);
  if (!seen.is_ok()) return seen.status();
  CORRAL_RETURN_IF_ERROR(record_upstream_reverts(store_, repo, seen->arrived));
  bool already_there = seen->tip == new_tip;
  if (!already_there && !seen->tip.empty()) {
    auto contained = git::is_ancestor(mirror, new_tip, seen->tip);
    if (!contained.is_ok()) return contained.status();
    already_there = *contained;
  }
  if (already_there) {
    // The crash came after the upstream took it.
    CORRAL_RETURN_IF_ERROR(set_merge_state(alone, store::MergeState::kDone));
    CORRAL_RETURN_IF_ERROR(finish_published(alone.front(), repo, alone));
    return std::optional<Landing>(Landing::kSettled);
  }
  Status published = publish_shared_branch(layout_, repo, merge.branch, old_tip, new_tip);
  auto landed = after_publish(alone, repo, published);
  if (!landed.is_ok()) return landed.status();
  return std::optional<Landing>(*landed);
}

// Once merged, corral/<task> has done its job: it goes from the user's
// repository (unless someone moved it since the run) and from the mirror, so
// merged branches do not pile up. What happened, for merge.completed.
std::string Merger::remove_task_branch(const TaskMerge& merge, const RepoContext& repo) {
  std::string branch = runner::task_branch(merge.task.id);
  const store::RepoRecord& record = repo.record;
  auto tip = git::branch_commit(record.source_path, branch);
  std::string outcome = !tip.is_ok()                                             ? "not there"
                        : *tip != merge.run.head_commit                          ? "kept: moved since the run"
                        : git::delete_branch(record.source_path, branch).is_ok() ? "deleted"
                                                                                 : "kept: could not be deleted";
  auto lock = FileLock::acquire(layout_.mirror_lock(record.id));
  if (lock.is_ok()) (void)git::delete_branch(record.mirror_path, branch);  // the mirror's copy; the run's commits stay
  return outcome;
}

Status Merger::finish_published(const Landed& landed, const RepoContext& repo, const std::vector<Landed>& batch) {
  TaskMerge& merge = *landed.merge;
  const std::string& old_tip = landed.onto;
  const std::string& new_tip = landed.commit;
  auto commits = old_tip.empty() || old_tip == new_tip
                     ? Result<std::vector<git::CommitInfo>>(std::vector<git::CommitInfo>{})
                     : git::commits_between(repo.record.mirror_path, old_tip, new_tip);
  if (!commits.is_ok()) return commits.status();
  json payload = {{"branch", merge.branch},
                  {"old", old_tip},
                  {"new", new_tip},
                  {"commits", commits_json(*commits)},
                  {"upstream", repo.upstream.url},
                  {"diff_hash", merge.review.diff_hash}};
  if (old_tip == new_tip) payload["already_on_branch"] = true;
  if (batch.size() > 1) {
    payload["batch"] = json::array();
    for (const Landed& member : batch) payload["batch"].push_back(member.merge->task.id);
    payload["published"] = batch.back().commit;
  }
  if (!repo.settings.keep_task_branches) payload["task_branch"] = remove_task_branch(merge, repo);
  return store_.with([&](store::Transaction& store) -> Status {
    return store.db.in_transaction([&]() -> Status {
      CORRAL_RETURN_IF_ERROR(
          store.queue.transition(merge.task.id, {store::TaskState::kMerging}, store::TaskState::kMerged, ""));
      CORRAL_RETURN_IF_ERROR(admission::learn_if_outcome(store, merge.task, store::TaskState::kMerged));
      return store::TaskEvent("merge.completed", merge.task).run(merge.run.id).payload(payload).record(store.events);
    });
  });
}

}  // namespace corral::merge
