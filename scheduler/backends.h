// Which sandbox backends this corral uses: the one a run asks for, and every
// one that may hold leftovers of earlier runs (for reconciliation).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "containers/sandbox_backend.h"
#include "core/data_layout.h"

namespace corral::scheduler {

// kind: docker, runc, crun or auto (see containers/backend_factory.h).
Result<std::unique_ptr<containers::SandboxBackend>> backend_for_run(const DataLayout& layout, const std::string& kind,
                                                                    const std::string& image);

// The OCI runtimes that have state under the data directory, and the Docker
// engine if it answers. Unreachable ones are skipped: nothing of ours can be
// running on them.
std::vector<std::unique_ptr<containers::SandboxBackend>> backends_to_reconcile(const DataLayout& layout);

}  // namespace corral::scheduler
