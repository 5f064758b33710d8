#include "runner/sandbox_cleanup.h"

#include "runner/task_run.h"

namespace corral::runner {

Result<std::vector<RemovedSandbox>> remove_orphan_sandboxes(
    containers::SandboxBackend& backend, const std::function<bool(const std::string& run_id)>& is_live) {
  auto sandboxes = backend.list_ours();
  if (!sandboxes.is_ok()) return sandboxes.status();
  std::vector<RemovedSandbox> removed;
  for (const containers::SandboxInfo& info : *sandboxes) {
    auto label = info.labels.find("corral.run");
    std::string run_id = label != info.labels.end() ? label->second : run_of_sandbox(info.name);
    if (!run_id.empty() && is_live(run_id)) continue;
    if (info.status == "running") static_cast<void>(backend.kill(info.name));  // best effort; remove forces anyway
    CORRAL_RETURN_IF_ERROR(backend.remove(info.name).with_context("removing orphan sandbox " + info.name));
    removed.push_back({info.name, run_id, info.status});
  }
  return removed;
}

}  // namespace corral::runner
