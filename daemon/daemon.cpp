#include "daemon/daemon.h"

#include <thread>

#include <spdlog/spdlog.h>

namespace corral::daemon {

void Daemon::commit_loop(const std::atomic<bool>& stop) {
  while (!stop) {
    auto worked = commit_step_.work_once();
    if (!worked.is_ok()) spdlog::error("commit step: {}", worked.status().to_string());
    if (!worked.is_ok() || !*worked) std::this_thread::sleep_for(idle_wait_);
  }
}

void Daemon::run(const std::atomic<bool>& stop) {
  std::thread committer([this, &stop] { commit_loop(stop); });
  scheduler_.run(stop);
  committer.join();
}

}  // namespace corral::daemon
