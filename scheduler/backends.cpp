#include "scheduler/backends.h"

#include <filesystem>

#include "containers/backend_factory.h"

namespace corral::scheduler {
namespace {

containers::BackendChoice choice_for(const DataLayout& layout, const std::string& kind, const std::string& image) {
  return {kind, image, layout.root(), layout.runtime_root(), layout.sandboxes()};
}

}  // namespace

Result<std::unique_ptr<containers::SandboxBackend>> backend_for_run(const DataLayout& layout, const std::string& kind,
                                                                    const std::string& image) {
  return containers::make_backend(choice_for(layout, kind, image));
}

std::vector<std::unique_ptr<containers::SandboxBackend>> backends_to_reconcile(const DataLayout& layout) {
  std::vector<std::unique_ptr<containers::SandboxBackend>> backends;
  for (const char* runtime : {"runc", "crun"}) {
    if (!std::filesystem::exists(layout.runtime_root() + "/" + runtime)) continue;
    auto backend = containers::make_backend(choice_for(layout, runtime, ""));
    if (backend.is_ok()) backends.push_back(std::move(*backend));
  }
  auto docker = containers::make_backend(choice_for(layout, "docker", ""));
  if (docker.is_ok()) backends.push_back(std::move(*docker));
  return backends;
}

}  // namespace corral::scheduler
