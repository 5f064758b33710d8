// The commit step's first half: a run that succeeded with a change becomes a
// review (or goes straight to merging, or is refused). See commit_step.h.
#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include "admission/learning.h"
#include "merge/commit_step.h"
#include "merge/diff_review.h"
#include "store/event_record.h"

namespace corral::merge {
namespace {

using json = nlohmann::json;

// Why the agent of run `run_id` asked for a human ("" if it did not).
Result<std::string> escalation_of(store::Transaction& store, const std::string& task_id, const std::string& run_id) {
  auto escalations = store.events.after(0, {task_id, "", "agent.escalation"}, 100);
  if (!escalations.is_ok()) return escalations.status();
  std::string reason;
  for (const auto& stored : *escalations) {
    if (stored.event.run_id != run_id) continue;
    auto payload = json::parse(stored.event.payload, nullptr, false);
    reason = payload.is_object() ? payload.value("reason", "") : "";
    if (reason.empty()) reason = "(no reason given)";
  }
  return reason;
}

}  // namespace

Status CommitStep::propose(const std::string& task_id, const std::string& run_id) {
  std::string escalation;  // the agent asked for a human: its reason
  auto found = store_.with([&](store::Transaction& store) -> Result<std::pair<store::QueuedTask, store::RunRecord>> {
    auto task = store.queue.find(task_id);
    if (!task.is_ok() || !*task) return Status::not_found("task " + task_id + " vanished");
    auto run = store.records.find_run(run_id);
    if (!run.is_ok() || !*run) return Status::not_found("run " + run_id + " vanished");
    CORRAL_ASSIGN_OR_RETURN(escalation, escalation_of(store, task_id, run_id));
    return std::make_pair(**task, **run);
  });
  if (!found.is_ok()) return found.status();
  auto& [task, run] = *found;
  auto repo = load_repo_context(store_, task.repo_id);
  if (!repo.is_ok()) return repo.status();
  auto checked = check_commits(*repo, run.base_commit, run.head_commit);
  if (!checked.is_ok()) return checked.status();

  const policy::DiffVerdict& verdict = checked->verdict;
  routing::TierLimits limits = repo->limits();
  bool needs_a_human = verdict.decision == policy::Decision::kNeedsApproval || !escalation.empty();
  int required = routing::approvals_needed(limits, needs_a_human);
  bool refused = verdict.decision == policy::Decision::kRefuse;
  store::TaskState next = refused         ? store::TaskState::kRefused
                          : required == 0 ? store::TaskState::kMerging
                                          : store::TaskState::kReview;
  std::string branch = repo->branch_for(task.target_branch);
  json findings = verdict;
  store::ReviewRecord review{task_id,
                             run_id,
                             checked->hash,
                             run.base_commit,
                             run.head_commit,
                             policy::decision_name(verdict.decision),
                             required,
                             findings["findings"].dump(),
                             ""};
  return store_.with([&](store::Transaction& store) -> Status {
    return store.db.in_transaction([&]() -> Status {
      CORRAL_RETURN_IF_ERROR(store.reviews.put(review));
      CORRAL_RETURN_IF_ERROR(
          store.queue.transition(task_id, {store::TaskState::kSucceeded}, next, refused ? first_refusal(verdict) : ""));
      CORRAL_RETURN_IF_ERROR(admission::learn_if_outcome(store, task, next));
      json stats = {{"files_changed", checked->files_changed},
                    {"insertions", checked->insertions},
                    {"deletions", checked->deletions}};
      json payload = {{"check", "diff_rules"},
                      {"decision", review.decision},
                      {"findings", findings["findings"]},
                      {"diff_hash", checked->hash},
                      {"stats", stats},
                      {"branch", branch},
                      {"tier", routing::tier_name(repo->tier)}};
      CORRAL_RETURN_IF_ERROR(store::TaskEvent(refused ? "check.failed" : "check.passed", task)
                                 .run(run_id)
                                 .payload(payload)
                                 .record(store.events));
      if (next != store::TaskState::kReview) return Status::ok();
      json requested = {{"diff_hash", checked->hash},
                        {"approvals_required", required},
                        {"branch", branch},
                        {"tier", routing::tier_name(repo->tier)}};
      if (!escalation.empty()) requested["escalation"] = escalation;
      return store::TaskEvent("approval.requested", task).run(run_id).payload(requested).record(store.events);
    });
  });
}

Result<bool> CommitStep::propose_next() {
  auto proposals = store_.with([](store::Transaction& store) { return store.reviews.awaiting_proposal(1); });
  if (!proposals.is_ok()) return proposals.status();
  if (proposals->empty()) return false;
  const auto& [task_id, run_id] = proposals->front();
  Status proposed = propose(task_id, run_id);
  // A task the commit step cannot handle ends, with the reason, rather than
  // block the tasks behind it; retrying it is the owner's call.
  if (!proposed.is_ok()) CORRAL_RETURN_IF_ERROR(merger_.give_up(task_id, store::TaskState::kSucceeded, proposed));
  return true;
}

}  // namespace corral::merge
