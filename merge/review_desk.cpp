#include "merge/review_desk.h"

#include <nlohmann/json.hpp>

#include "admission/learning.h"
#include "core/json_fields.h"
#include "git/diff.h"
#include "git/patch_id.h"
#include "store/event_record.h"

namespace corral::merge {
namespace {

using json = nlohmann::json;

json review_json(const store::ReviewRecord& review, const store::QueuedTask& task,
                 const std::vector<store::Verdict>& verdicts) {
  json approvals = json::array();
  for (const auto& verdict : verdicts) {
    approvals.push_back({{"reviewer", verdict.reviewer},
                         {"verdict", verdict.verdict},
                         {"reason", verdict.reason},
                         {"at", verdict.created_at}});
  }
  int approved = 0;
  for (const auto& verdict : verdicts) approved += verdict.verdict == "approved";
  return {{"task", task.id},
          {"repo", task.repo_id},
          {"prompt", task.prompt},
          {"submitter", task.submitter},
          {"state", task.state},
          {"target", task.target_branch},
          {"diff_hash", review.diff_hash},
          {"base", review.base_commit},
          {"head", review.head_commit},
          {"decision", review.decision},
          {"approvals_required", review.approvals_required},
          {"approvals", approved},
          {"verdicts", approvals},
          {"findings", json::parse(review.findings, nullptr, false)},
          {"proposed_at", review.created_at},
          {"approved_base", review.approved_base},
          {"approved_head", review.approved_head}};
}

// `stats` with its files cut to the page, and the patch cut at a line end
// within the page's bytes, each saying what was left out.
void put_page(json& stats, json& out, const std::string& patch, const DiffPage& page) {
  json& files = stats["files"];
  auto total = static_cast<int64_t>(files.size());
  auto begin = std::min(page.file_offset, total);
  auto end = std::min(total, begin + page.file_limit);
  stats["files"] = json(std::vector<json>(files.begin() + begin, files.begin() + end));
  stats["files_total"] = total;
  if (end < total) stats["next_offset"] = end;
  out["stats"] = stats;
  if (static_cast<int64_t>(patch.size()) <= page.patch_bytes) {
    out["patch"] = patch;
    return;
  }
  size_t cut = patch.rfind('\n', static_cast<size_t>(page.patch_bytes));
  cut = cut == std::string::npos ? 0 : cut + 1;
  out["patch"] = patch.substr(0, cut);
  out["patch_truncated"] = true;
  out["patch_bytes_total"] = patch.size();
}

}  // namespace

Result<json> ReviewDesk::list(const policy::Caller& caller, const std::string& repo) {
  return store_.with([&](store::Transaction& store) -> Result<json> {
    auto reviews = store.reviews.of_tasks_in("review", repo);
    if (!reviews.is_ok()) return reviews.status();
    json out = {{"reviews", json::array()}};
    for (const auto& review : *reviews) {
      auto task = store.queue.find(review.task_id);
      if (!task.is_ok() || !*task || !policy::check_access(caller, policy::Action::kRead, (*task)->repo_id).is_ok())
        continue;
      auto verdicts = store.reviews.verdicts(review.task_id, review.diff_hash);
      if (!verdicts.is_ok()) return verdicts.status();
      out["reviews"].push_back(review_json(review, **task, *verdicts));
    }
    return out;
  });
}

Result<json> ReviewDesk::show(const policy::Caller& caller, const std::string& task_id, const DiffPage& page) {
  auto shown = store_.with([&](store::Transaction& store) -> Result<std::pair<json, std::string>> {
    auto task = store.queue.find(task_id);
    if (!task.is_ok()) return task.status();
    if (!*task) return Status::not_found("no task " + task_id);
    CORRAL_RETURN_IF_ERROR(policy::check_access(caller, policy::Action::kRead, (*task)->repo_id));
    auto review = store.reviews.find(task_id);
    if (!review.is_ok()) return review.status();
    if (!*review)
      return Status::not_found("task " + task_id + " has no diff to review (state " +
                               store::stored_name((*task)->state) + ")");
    auto verdicts = store.reviews.verdicts(task_id, (*review)->diff_hash);
    if (!verdicts.is_ok()) return verdicts.status();
    auto repo = store.records.find_repo((*task)->repo_id);
    if (!repo.is_ok() || !*repo) return Status::not_found("repository " + (*task)->repo_id + " vanished");
    return std::make_pair(review_json(**review, **task, *verdicts), (*repo)->mirror_path);
  });
  if (!shown.is_ok()) return shown.status();
  auto& [out, mirror] = *shown;
  auto diff = git::diff_commits(mirror, out["base"], out["head"]);
  if (!diff.is_ok()) return diff.status();
  json stats = *diff;
  put_page(stats, out, diff->patch, page);
  if (!out["approved_base"].get<std::string>().empty()) {
    // A rebase changed the change they approved: what changed since.
    auto changed = git::interdiff(mirror, out["approved_base"], out["approved_head"], out["base"], out["head"]);
    if (!changed.is_ok()) return changed.status();
    out["interdiff"] = *changed;
  }
  return out;
}

Result<json> ReviewDesk::approve(const policy::Caller& caller, const std::string& task_id, const json& body) {
  return judge(caller, task_id, body, "approved");
}

Result<json> ReviewDesk::reject(const policy::Caller& caller, const std::string& task_id, const json& body) {
  return judge(caller, task_id, body, "rejected");
}

Result<json> ReviewDesk::judge(const policy::Caller& caller, const std::string& task_id, const json& body,
                               const std::string& verdict) {
  bool rejecting = verdict == "rejected";
  CORRAL_RETURN_IF_ERROR(
      check_fields(body, {{"diff_hash", FieldType::kString, true}, {"reason", FieldType::kString, rejecting}},
                   rejecting ? "the rejection" : "the approval"));
  std::string reason = body.value("reason", "");
  if (rejecting && reason.find_first_not_of(" \t\n") == std::string::npos) {
    return Status::invalid_argument("a rejection needs a reason for the submitter");
  }
  if (caller.role == "agent") return Status::permission_denied("an agent's token can never approve or reject");
  return store_.with([&](store::Transaction& store) -> Result<json> {
    auto task = store.queue.find(task_id);
    if (!task.is_ok()) return task.status();
    if (!*task) return Status::not_found("no task " + task_id);
    CORRAL_RETURN_IF_ERROR(policy::check_access(caller, policy::Action::kReview, (*task)->repo_id));
    if (caller.name == (*task)->submitter) {
      return Status::permission_denied(caller.name + " submitted " + task_id + " and may not review it");
    }
    if ((*task)->state != store::TaskState::kReview) {
      return Status::failed_precondition(task_id + " is not waiting for review (state " +
                                         store::stored_name((*task)->state) + ")");
    }
    auto review = store.reviews.find(task_id);
    if (!review.is_ok()) return review.status();
    if (!*review || (*review)->diff_hash != body["diff_hash"].get<std::string>()) {
      return Status::failed_precondition(
          "the diff of " + task_id + " changed since " + body["diff_hash"].get<std::string>().substr(0, 12) +
          "; review the current one (" + (*review ? (*review)->diff_hash.substr(0, 12) : std::string("none")) + ")");
    }
    json out;
    Status status = store.db.in_transaction([&]() -> Status {
      CORRAL_RETURN_IF_ERROR(
          store.reviews.add_verdict({task_id, (*review)->diff_hash, caller.name, verdict, reason, ""}));
      auto verdicts = store.reviews.verdicts(task_id, (*review)->diff_hash);
      if (!verdicts.is_ok()) return verdicts.status();
      int approvals = 0;
      for (const auto& given : *verdicts) approvals += given.verdict == "approved";
      json payload = {{"reviewer", caller.name},
                      {"diff_hash", (*review)->diff_hash},
                      {"approvals", approvals},
                      {"approvals_required", (*review)->approvals_required}};
      if (rejecting) payload["reason"] = reason;
      CORRAL_RETURN_IF_ERROR(store::TaskEvent(rejecting ? "approval.rejected" : "approval.granted", **task)
                                 .payload(payload)
                                 .record(store.events));
      store::TaskState next = rejecting                                    ? store::TaskState::kRejected
                              : approvals >= (*review)->approvals_required ? store::TaskState::kMerging
                                                                           : store::TaskState::kReview;
      if (next != store::TaskState::kReview) {
        CORRAL_RETURN_IF_ERROR(
            store.queue.transition(task_id, {store::TaskState::kReview}, next, rejecting ? reason : ""));
        CORRAL_RETURN_IF_ERROR(admission::learn_if_outcome(store, **task, next));
      }
      out = {{"task", task_id},
             {"state", next},
             {"approvals", approvals},
             {"approvals_required", (*review)->approvals_required}};
      return Status::ok();
    });
    if (!status.is_ok()) return status;
    return out;
  });
}

}  // namespace corral::merge
