// Reviewers' side of the commit step: the queue of diffs waiting for them,
// one diff with its findings, and verdicts. An approval binds to the diff's
// hash (a stale hash is refused); a reviewer is never the task's submitter;
// an agent's token never approves; a rejection ends the task with the
// reviewer's reason. Enough approvals move the task to merging.
#pragma once

#include <nlohmann/json_fwd.hpp>

#include <string>

#include "core/data_layout.h"
#include "policy/access.h"
#include "store/store.h"

namespace corral::merge {

// How much of a diff one answer carries: a page of its files, and the patch
// up to a size (a change of 100,000 files must not become one 18 MB answer).
struct DiffPage {
  int64_t file_offset = 0;
  int64_t file_limit = 1000;
  int64_t patch_bytes = 1 << 20;
};

class ReviewDesk {
 public:
  ReviewDesk(store::Store& store, DataLayout layout) : store_(store), layout_(std::move(layout)) {}

  // {"reviews": [...]} of tasks in review the caller may read ("" = every repository).
  Result<nlohmann::json> list(const policy::Caller& caller, const std::string& repo);
  // The review of one task: findings, approvals so far, stats with a page of
  // its files ("files_total", "next_offset" when more follow) and the patch,
  // cut at a line within `page.patch_bytes` ("patch_truncated", "patch_bytes_total"); when a rebase
  // changed a change already approved, "interdiff": what changed since (git/patch_id.h).
  Result<nlohmann::json> show(const policy::Caller& caller, const std::string& task_id, const DiffPage& page = {});
  // body: {"diff_hash": "...", "reason": "..."} (reason required to reject).
  Result<nlohmann::json> approve(const policy::Caller& caller, const std::string& task_id, const nlohmann::json& body);
  Result<nlohmann::json> reject(const policy::Caller& caller, const std::string& task_id, const nlohmann::json& body);

 private:
  Result<nlohmann::json> judge(const policy::Caller& caller, const std::string& task_id, const nlohmann::json& body,
                               const std::string& verdict);

  store::Store& store_;
  DataLayout layout_;
};

}  // namespace corral::merge
