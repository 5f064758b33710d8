#include "api/server_limits.h"

#include <malloc.h>

#include <algorithm>

namespace corral::api {

void OutputBudget::give_back(size_t bytes) {
  held_ -= bytes;
  released_ += bytes;
  if (held_ == 0 && released_ >= kTrimAfter) {
    ::malloc_trim(0);
    released_ = 0;
  }
}

int IdleConnections::shed() {
  int count = waiting_.empty() ? 0 : std::max<int>(1, static_cast<int>(waiting_.size() / 2));
  for (int i = 0; i < count; ++i) {
    auto close = std::move(waiting_.begin()->second);
    waiting_.erase(waiting_.begin());  // before closing: closing removes it again, harmlessly
    close();
  }
  return count;
}

}  // namespace corral::api
