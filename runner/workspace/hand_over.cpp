#include "runner/workspace/hand_over.h"

#include <unistd.h>

#include <filesystem>

#include "containers/sandbox_spec.h"

namespace corral::runner {

Status hand_over(const std::string& root) {
  namespace fs = std::filesystem;
  auto give = [](const fs::path& path) -> Status {
    if (::lchown(path.c_str(), containers::kSandboxUid, containers::kSandboxGid) != 0) {
      return Status::from_errno(errno, "handing " + path.string() + " to the sandbox user");
    }
    return Status::ok();
  };
  CORRAL_RETURN_IF_ERROR(give(root));
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(root, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    CORRAL_RETURN_IF_ERROR(give(it->path()));
  }
  if (ec) return Status::from_errno(ec.value(), "walking " + root);
  return Status::ok();
}

}  // namespace corral::runner
