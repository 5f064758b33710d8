// A run admitted (ARCHITECTURE.md, "The life of a task", step 3): the task
// routed (its tier's grant and its agent; task.routed recorded), its token
// budgets, and its boundaries (agent profile, tool gate, egress proxy, LLM
// gateway) put on the runner's request. The daemon's runs and `corral run`'s
// go through this one function, so both get the same events and limits.
#pragma once

#include <string>

#include "admission/budget_book.h"
#include "admission/gateway_options.h"
#include "core/data_layout.h"
#include "routing/grant.h"
#include "runner/task_run.h"
#include "store/store.h"

namespace corral::admission {

// What every run on this host shares.
struct RunHost {
  const std::string& image;  // the docker backend's
  const std::string& supervisor_path;
  const GatewayOptions& gateways;
  const runner::WorkspaceOptions& workspace;
};

struct RunToAdmit {
  const store::QueuedTask& task;  // as stored
  const store::RepoRecord& repo;
  std::string run_id;
  std::string base_commit;
  // What the submitter asked for, held to the tier's ceiling; an unset
  // timeout is the task's own.
  routing::LimitRequest asked = {};
};

// The caller adds its own hooks (output echo, stage callbacks, cancellation).
Result<runner::RunRequest> admit_run(store::Store& store, BudgetBook& budgets, const DataLayout& layout,
                                     const RunToAdmit& run, const RunHost& host);

}  // namespace corral::admission
