#include "cli/exit_status.h"

#include <cstdio>

#include "core/visible_text.h"

namespace corral::cli {

ExitStatus exit_status_for(const Status& status) {
  switch (status.code()) {
    case Code::kOk:
      return ExitStatus::kSuccess;
    case Code::kInvalidArgument:
    case Code::kNotFound:
    case Code::kAlreadyExists:
    case Code::kPermissionDenied:
    case Code::kUnauthenticated:
      return ExitStatus::kBadInput;
    default:
      return ExitStatus::kCorralFailed;
  }
}

int report_error(const Status& status) {
  // Messages may quote what an agent wrote (a file name, its output).
  std::fprintf(stderr, "corral: %s\n", visible_inline(status.message()).c_str());
  return static_cast<int>(exit_status_for(status));
}

}  // namespace corral::cli
