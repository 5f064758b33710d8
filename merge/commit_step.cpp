// The commit step's units of work and a merge's state machine (attempt,
// resume after a crash, publish), kept in one file on purpose: the intent
// log's states read top to bottom here. Proposals are in commit_proposal.cpp.
#include "merge/commit_step.h"

#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include "admission/learning.h"
#include "admission/run_bridge.h"
#include "core/file_lock.h"
#include "core/ids.h"
#include "core/stage_hook.h"
#include "git/ancestry.h"
#include "git/integrate.h"
#include "git/mirror.h"
#include "git/shared_ref.h"
#include "merge/diff_review.h"
#include "merge/shared_branch.h"
#include "merge/upstream_reverts.h"
#include "policy/diff_checks.h"
#include "routing/grant.h"
#include "runner/task_run.h"
#include "scheduler/decisions.h"
#include "store/event_record.h"

namespace corral::merge {
namespace {

using json = nlohmann::json;

std::string short_id(const std::string& id) { return id.substr(0, 12); }

}  // namespace

struct CommitStep::Merge {
  store::QueuedTask task;
  store::RunRecord run;
  store::ReviewRecord review;
  RepoContext repo;
  std::string branch;
  std::string old_tip;  // the upstream's tip this attempt builds on ("" = a new branch)
  std::string new_tip;
  Status last_refusal = Status::ok();  // why the last attempt must start over
};

CommitStep::CommitStep(store::Store& store, DataLayout layout, containers::SandboxBackend& backend,
                       CommitStepOptions options)
    : store_(store), layout_(std::move(layout)), backend_(backend), options_(std::move(options)) {}

Status CommitStep::end_task(const std::string& task_id, store::TaskState state, const std::string& reason,
                            const std::string& event, const json& payload, store::TaskState from_state) {
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
      return store::TaskEvent(event, **task).payload(body).record(store.events);
    });
  });
}

Status CommitStep::give_up(const std::string& task_id, store::TaskState from_state, const Status& why) {
  spdlog::error("commit step for {}: {}", task_id, why.to_string());
  return end_task(task_id, store::TaskState::kMergeFailed, "the commit step failed: " + why.message(), "merge.failed",
                  json::object(), from_state);
}

Result<bool> CommitStep::work_once() {
  auto proposed = propose_next();
  if (!proposed.is_ok() || *proposed) return proposed;
  return merge_next();
}

// The oldest merging task whose parents are all merged, or one whose parent
// will never merge (to be held); none that a kill switch holding merges covers.
Result<std::optional<CommitStep::MergeCandidate>> CommitStep::next_merge() {
  return store_.with([](store::Transaction& store) -> Result<std::optional<MergeCandidate>> {
    auto merging = store.queue.list({"", store::TaskState::kMerging, 1000});
    if (!merging.is_ok()) return merging.status();
    auto switches = store.kill_switches.all();
    if (!switches.is_ok()) return switches.status();
    for (const store::QueuedTask& task : *merging) {
      if (store::covering(*switches, task.repo_id, task.agent, /*merging=*/true)) continue;  // waits until off
      MergeCandidate candidate{task.id, ""};
      bool ready = true;
      for (const std::string& parent_id : task.parents) {
        auto parent = store.queue.find(parent_id);
        if (!parent.is_ok()) return parent.status();
        store::TaskState state = *parent ? (*parent)->state : store::TaskState::kFailed;
        if (store::blocks_dependents(state)) {
          candidate.hold_reason =
              "parent " + parent_id + " " + store::state_name(state) + ": its work is not on the branch";
          break;
        }
        ready = ready && state == store::TaskState::kMerged;
      }
      if (ready || !candidate.hold_reason.empty()) return std::optional<MergeCandidate>(candidate);
    }
    return std::optional<MergeCandidate>();
  });
}

Result<bool> CommitStep::merge_next() {
  auto next = next_merge();
  if (!next.is_ok()) return next.status();
  if (!*next) return false;
  const MergeCandidate& candidate = **next;
  if (!candidate.hold_reason.empty()) {
    CORRAL_RETURN_IF_ERROR(
        end_task(candidate.task, store::TaskState::kHeld, candidate.hold_reason, "task.held", json::object()));
    return true;
  }
  Status merged = merge(candidate.task);
  if (merged.is_ok()) return true;
  // Half a merge (the intent log past "pending") is resumed, never abandoned.
  auto record = store_.with([&](store::Transaction& store) { return store.merges.find(candidate.task); });
  bool half_done = record.is_ok() && *record && (*record)->state != store::MergeState::kPending;
  if (half_done) return merged;
  CORRAL_RETURN_IF_ERROR(give_up(candidate.task, store::TaskState::kMerging, merged));
  return true;
}

Status CommitStep::merge(const std::string& task_id) {
  Merge merge;
  Status loaded = store_.with([&](store::Transaction& store) -> Status {
    auto task = store.queue.find(task_id);
    if (!task.is_ok() || !*task) return Status::not_found("task " + task_id + " vanished");
    auto review = store.reviews.find(task_id);
    if (!review.is_ok() || !*review) return Status::not_found("task " + task_id + " has no review");
    auto run = store.records.find_run((*review)->run_id);
    if (!run.is_ok() || !*run) return Status::not_found("the reviewed run of " + task_id + " vanished");
    merge.task = **task;
    merge.review = **review;
    merge.run = **run;
    return Status::ok();
  });
  CORRAL_RETURN_IF_ERROR(loaded);
  auto repo = load_repo_context(store_, merge.task.repo_id);
  if (!repo.is_ok()) return repo.status();
  merge.repo = std::move(*repo);
  merge.branch = merge.repo.branch_for(merge.task.target_branch);
  auto record = store_.with(
      [&](store::Transaction& store) { return store.merges.open(task_id, merge.task.repo_id, merge.branch); });
  if (!record.is_ok()) return record.status();
  merge.old_tip = record->old_tip;
  merge.new_tip = record->new_tip;
  if (record->state == store::MergeState::kDone) return finish_published(merge);
  if (record->state == store::MergeState::kPrepared || record->state == store::MergeState::kAdvanced) {
    CORRAL_ASSIGN_OR_RETURN(Attempt resumed, resume(merge, record->state));
    if (resumed == Attempt::kSettled) return Status::ok();
  }
  for (int attempt = 0; attempt < options_.max_publish_attempts; ++attempt) {
    CORRAL_ASSIGN_OR_RETURN(Attempt tried, merge_attempt(merge));
    if (tried == Attempt::kSettled) return Status::ok();
  }
  std::string attempts = std::to_string(options_.max_publish_attempts) + " attempts";
  std::string reason = merge.last_refusal.code() == Code::kBusy
                           ? "the upstream's " + merge.branch + " was locked at each of " + attempts + " (" +
                                 merge.last_refusal.message() + "); retry once the lock is gone"
                           : "the upstream's " + merge.branch + " moved during each of " + attempts + "; retry later";
  return end_task(task_id, store::TaskState::kMergeFailed, reason, "merge.failed",
                  {{"branch", merge.branch}, {"locked", merge.last_refusal.code() == Code::kBusy}});
}

Result<bool> CommitStep::observe_upstream(Merge& merge) {
  auto seen = observe_shared_branch(layout_, merge.repo, merge.branch);
  if (!seen.is_ok()) return seen.status();
  CORRAL_RETURN_IF_ERROR(record_upstream_reverts(store_, merge.repo, seen->arrived));
  merge.old_tip = seen->tip;
  if (seen->lost.empty()) return true;
  // Someone rewrote or deleted the branch outside corral: what corral merged
  // is gone upstream. Nothing more merges there until an owner looks.
  std::string reason = "the upstream's " + merge.branch + " no longer contains " + std::to_string(seen->lost.size()) +
                       " commit(s) corral saw there (rewritten outside corral); merging stopped";
  json alert = {{"kind", "shared_history_lost"},
                {"branch", merge.branch},
                {"found", seen->tip},
                {"lost", commits_json(seen->lost)}};
  CORRAL_RETURN_IF_ERROR(store_.with([&](store::Transaction& store) {
    return store::TaskEvent("alert.raised", merge.task).payload(alert).record(store.events);
  }));
  CORRAL_RETURN_IF_ERROR(end_task(merge.task.id, store::TaskState::kMergeFailed, reason, "merge.refused", alert));
  return false;
}

Result<bool> CommitStep::recheck(Merge& merge, const std::string& onto) {
  if (onto.empty() || onto == merge.review.base_commit) return true;
  auto checked = check_commits(merge.repo, onto, merge.new_tip);
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
  bool was_approved_by_humans = merge.review.approvals_required > 0;
  if (verdict.decision == policy::Decision::kNeedsApproval && !was_approved_by_humans) {
    // Merged with the branch's new tip, the change now needs a human.
    int required = routing::approvals_needed(merge.repo.limits(), true);
    store::ReviewRecord review = merge.review;
    review.diff_hash = checked->hash;
    review.decision = policy::decision_name(verdict.decision);
    review.approvals_required = required;
    review.findings = payload["findings"].dump();
    return store_.with([&](store::Transaction& store) -> Result<bool> {
      Status moved = store.db.in_transaction([&]() -> Status {
        CORRAL_RETURN_IF_ERROR(store.reviews.put(review));
        CORRAL_RETURN_IF_ERROR(
            store.queue.transition(merge.task.id, {store::TaskState::kMerging}, store::TaskState::kReview, ""));
        return store::TaskEvent("approval.requested", merge.task)
            .run(merge.run.id)
            .payload({{"diff_hash", review.diff_hash},
                      {"approvals_required", required},
                      {"branch", merge.branch},
                      {"reason", "the tip moved and the diff now needs a human"}})
            .record(store.events);
      });
      if (!moved.is_ok()) return moved;
      return false;
    });
  }
  CORRAL_RETURN_IF_ERROR(store_.with([&](store::Transaction& store) {
    return store::TaskEvent("check.passed", merge.task).run(merge.run.id).payload(payload).record(store.events);
  }));
  return true;
}

Result<bool> CommitStep::run_check(Merge& merge) {
  const settings::RepoSettings& settings = merge.repo.settings;
  if (settings.check_command.empty()) return true;
  routing::LimitRequest limits;
  limits.timeout_seconds = settings.check_timeout_seconds;
  auto grant = routing::default_grant(limits);
  if (!grant.is_ok()) return grant.status();
  std::string check_run = new_id("c");
  // The run lock tells reconciliation this sandbox is live.
  auto live = FileLock::acquire(layout_.run_lock(check_run));
  if (!live.is_ok()) return live.status();
  runner::RunRequest request = admission::make_run_request(layout_, merge.repo.record,
                                                           {merge.task.id,
                                                            check_run,
                                                            merge.new_tip,
                                                            settings.check_command,
                                                            "",
                                                            options_.image,
                                                            options_.supervisor_path,
                                                            *grant,
                                                            {}});
  request.purpose = runner::RunPurpose::kCheck;
  store::StoreSink sink(store_);
  auto result = runner::run_task(request, backend_, sink, store_.clock());
  std::remove(layout_.run_lock(check_run).c_str());
  if (!result.is_ok()) return result.status().with_context("running the check command");
  json payload = {{"check", "command"},
                  {"command", settings.check_command},
                  {"commit", merge.new_tip},
                  {"exit_code", result->exit.exit_code},
                  {"output_tail", result->output_tail}};
  if (!result->succeeded()) {
    std::string reason = "the check command failed on the merged result (" + result->reason() + ")";
    CORRAL_RETURN_IF_ERROR(end_task(merge.task.id, store::TaskState::kChecksFailed, reason, "check.failed", payload));
    return false;
  }
  CORRAL_RETURN_IF_ERROR(store_.with([&](store::Transaction& store) {
    return store::TaskEvent("check.passed", merge.task).run(check_run).payload(payload).record(store.events);
  }));
  return true;
}

Result<CommitStep::Attempt> CommitStep::settled(const Status& status) {
  if (!status.is_ok()) return status;
  return Attempt::kSettled;
}

Result<CommitStep::Attempt> CommitStep::merge_attempt(Merge& merge) {
  CORRAL_ASSIGN_OR_RETURN(bool observed, observe_upstream(merge));
  if (!observed) return Attempt::kSettled;
  const std::string& mirror = merge.repo.record.mirror_path;
  std::string onto = merge.old_tip;
  git::Committer committer{"corral", "corral@localhost", store_.clock().now()};
  Result<git::Integration> integrated = git::Integration{merge.run.head_commit, {}, 1};
  if (!onto.empty()) {
    auto lock = FileLock::acquire(layout_.mirror_lock(merge.repo.record.id));
    if (!lock.is_ok()) return lock.status();
    integrated =
        merge.repo.settings.merge_method == settings::MergeMethod::kRebase
            ? git::rebase_onto(mirror, merge.run.base_commit, merge.run.head_commit, onto, committer)
            : git::merge_onto(mirror, onto, merge.run.head_commit,
                              "Merge corral task " + merge.task.id + "\n\nCorral-Task: " + merge.task.id + "\n",
                              committer);
  }
  if (!integrated.is_ok()) return integrated.status();
  if (!integrated->conflicts.empty()) {
    std::string files;
    for (const auto& path : integrated->conflicts) files += (files.empty() ? "" : ", ") + path;
    return settled(end_task(merge.task.id, store::TaskState::kConflicted,
                            "conflicts with " + merge.branch + " at " + short_id(onto) + " in " + files +
                                "; retry the task to redo it on the new tip",
                            "merge.conflicted",
                            {{"branch", merge.branch}, {"onto", onto}, {"files", integrated->conflicts}}));
  }
  merge.new_tip = integrated->head;
  if (integrated->commits_written == 0) {
    // The change is on the branch already: nothing moves, and it counts as merged once.
    CORRAL_RETURN_IF_ERROR(set_merge_state(merge, store::MergeState::kDone));
    return settled(finish_published(merge));
  }
  CORRAL_ASSIGN_OR_RETURN(bool still_clean, recheck(merge, onto));
  if (!still_clean) return Attempt::kSettled;
  CORRAL_ASSIGN_OR_RETURN(bool checks_passed, run_check(merge));
  if (!checks_passed) return Attempt::kSettled;
  return advance_and_publish(merge);
}

Status CommitStep::set_merge_state(const Merge& merge, store::MergeState state) {
  bool keep_tips = state != store::MergeState::kPending;
  return store_.with([&](store::Transaction& store) {
    return store.merges.set(merge.task.id, state, keep_tips ? merge.old_tip : "", keep_tips ? merge.new_tip : "");
  });
}

Result<CommitStep::Attempt> CommitStep::advance_and_publish(Merge& merge) {
  CORRAL_RETURN_IF_ERROR(set_merge_state(merge, store::MergeState::kPrepared));
  Status moved = move_shared_branch(layout_, merge.repo, merge.branch, merge.old_tip, merge.new_tip, [&] {
    CORRAL_RETURN_IF_ERROR(set_merge_state(merge, store::MergeState::kAdvanced));
    reached(options_.at_stage, "merge_publish");
    return Status::ok();
  });
  return after_publish(merge, moved);
}

Result<CommitStep::Attempt> CommitStep::after_publish(Merge& merge, const Status& published) {
  if (published.is_ok()) {
    reached(options_.at_stage, "merge_finish");
    CORRAL_RETURN_IF_ERROR(set_merge_state(merge, store::MergeState::kDone));
    return settled(finish_published(merge));
  }
  CORRAL_RETURN_IF_ERROR(set_merge_state(merge, store::MergeState::kPending));
  // The upstream (or the record) moved, or a git process holds its lock: start over.
  if (published.code() == Code::kFailedPrecondition || published.code() == Code::kBusy) {
    merge.last_refusal = published;
    return Attempt::kRetry;
  }
  return settled(end_task(merge.task.id, store::TaskState::kMergeFailed,
                          "publishing to the upstream failed: " + published.message(), "merge.failed",
                          {{"branch", merge.branch}}));
}

Result<CommitStep::Attempt> CommitStep::resume(Merge& merge, store::MergeState state) {
  const std::string& mirror = merge.repo.record.mirror_path;
  auto recorded = git::read_ref(mirror, shared_ref(merge.branch));  // a read; writers hold the mirror lock
  if (!recorded.is_ok()) return recorded.status();
  if (state == store::MergeState::kPrepared && *recorded != merge.new_tip) {
    // The crash came before the compare-and-swap: nothing moved.
    CORRAL_RETURN_IF_ERROR(set_merge_state(merge, store::MergeState::kPending));
    return Attempt::kRetry;
  }
  auto seen = observe_shared_branch(layout_, merge.repo, merge.branch);
  if (!seen.is_ok()) return seen.status();
  CORRAL_RETURN_IF_ERROR(record_upstream_reverts(store_, merge.repo, seen->arrived));
  const std::string* upstream = &seen->tip;
  bool already_there = *upstream == merge.new_tip;
  if (!already_there && !upstream->empty()) {
    auto contained = git::is_ancestor(mirror, merge.new_tip, *upstream);
    if (!contained.is_ok()) return contained.status();
    already_there = *contained;
  }
  if (already_there) {
    // The crash came after the upstream took it.
    CORRAL_RETURN_IF_ERROR(set_merge_state(merge, store::MergeState::kDone));
    return settled(finish_published(merge));
  }
  Status published = publish_shared_branch(layout_, merge.repo, merge.branch, merge.old_tip, merge.new_tip);
  return after_publish(merge, published);
}

// Once merged, corral/<task> has done its job: it goes from the user's
// repository (unless someone moved it since the run) and from the mirror, so
// merged branches do not pile up. What happened, for merge.completed.
std::string CommitStep::remove_task_branch(const Merge& merge) {
  std::string branch = runner::task_branch(merge.task.id);
  const store::RepoRecord& repo = merge.repo.record;
  auto tip = git::branch_commit(repo.source_path, branch);
  std::string outcome = !tip.is_ok()                                           ? "not there"
                        : *tip != merge.run.head_commit                        ? "kept: moved since the run"
                        : git::delete_branch(repo.source_path, branch).is_ok() ? "deleted"
                                                                               : "kept: could not be deleted";
  auto lock = FileLock::acquire(layout_.mirror_lock(repo.id));
  if (lock.is_ok()) (void)git::delete_branch(repo.mirror_path, branch);  // the mirror's copy; the run's commits stay
  return outcome;
}

Status CommitStep::finish_published(Merge& merge) {
  auto commits = merge.old_tip.empty() || merge.old_tip == merge.new_tip
                     ? Result<std::vector<git::CommitInfo>>(std::vector<git::CommitInfo>{})
                     : git::commits_between(merge.repo.record.mirror_path, merge.old_tip, merge.new_tip);
  if (!commits.is_ok()) return commits.status();
  json payload = {{"branch", merge.branch},
                  {"old", merge.old_tip},
                  {"new", merge.new_tip},
                  {"commits", commits_json(*commits)},
                  {"upstream", merge.repo.upstream.url},
                  {"diff_hash", merge.review.diff_hash}};
  if (merge.old_tip == merge.new_tip) payload["already_on_branch"] = true;
  if (!merge.repo.settings.keep_task_branches) payload["task_branch"] = remove_task_branch(merge);
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
