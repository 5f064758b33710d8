#include "admission/run_admission.h"

#include "admission/run_boundaries.h"
#include "admission/run_bridge.h"
#include "admission/task_routing.h"

namespace corral::admission {

Result<runner::RunRequest> admit_run(store::Store& store, BudgetBook& budgets, const DataLayout& layout,
                                     const RunToAdmit& run, const RunHost& host) {
  routing::LimitRequest asked = run.asked;
  if (!asked.timeout_seconds) asked.timeout_seconds = run.task.timeout_seconds;
  auto routed = store.with(
      [&](store::Transaction& tx) { return route_task(tx, run.task, run.run_id, asked, store.clock().now()); });
  if (!routed.is_ok()) return routed.status();
  runner::RunRequest request =
      make_run_request(layout, run.repo,
                       {run.task.id, run.run_id, run.base_commit, routed->agent, run.task.prompt, host.image,
                        host.supervisor_path, routed->grant, host.workspace});
  auto under = store.with([&](store::Transaction& tx) {
    return budgets.budgets_for(tx, run.task, routed->boundaries, store.clock().now());
  });
  if (!under.is_ok()) return under.status();
  CORRAL_RETURN_IF_ERROR(apply_run_boundaries(
      request, {routed->agent, routed->grant.network, routed->boundaries, *under, layout.run_dir(run.run_id)},
      host.gateways));
  return request;
}

}  // namespace corral::admission
