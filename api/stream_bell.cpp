#include "api/stream_bell.h"

#include <utility>
#include <vector>

namespace corral::api {

void StreamBell::ring() {
  ++generation_;
  if (posted_.exchange(true)) return;  // a wake-up is already on its way: it will see this ring too
  post_([this] { wake_all(); });
}

void StreamBell::wake_at_next_ring(const std::shared_ptr<Napper>& napper) {
  if (napping_.size() >= kPruneAt) std::erase_if(napping_, [](const auto& entry) { return entry.second.expired(); });
  napping_[napper.get()] = napper;
}

void StreamBell::wake_all() {
  posted_ = false;  // a ring from now on posts another wake-up
  auto woken = std::exchange(napping_, {});
  for (auto& [key, weak] : woken) {
    if (auto napper = weak.lock()) napper->wake();
  }
}

}  // namespace corral::api
