#include "merge/queue_board.h"

namespace corral::merge {

void QueueBoard::show(const QueueStatus& status) {
  MutexLock lock(mutex_);
  QueueStatus& shown = queues_[{status.repo_id, status.target}];
  int failures = shown.failures;
  std::string error = shown.last_error, retry_at = shown.retry_at;
  shown = status;
  shown.failures = failures;
  shown.last_error = error;
  shown.retry_at = retry_at;
}

void QueueBoard::set_backoff(const std::string& repo_id, const std::string& target, int failures,
                             const std::string& error, const std::string& retry_at) {
  MutexLock lock(mutex_);
  QueueStatus& shown = queues_[{repo_id, target}];
  shown.repo_id = repo_id;
  shown.target = target;
  shown.failures = failures;
  shown.last_error = error;
  shown.retry_at = retry_at;
}

void QueueBoard::idle(const std::string& repo_id, const std::string& target) {
  MutexLock lock(mutex_);
  auto found = queues_.find({repo_id, target});
  if (found == queues_.end()) return;
  found->second.active = false;
  found->second.checks.clear();
}

std::vector<QueueStatus> QueueBoard::all() const {
  MutexLock lock(mutex_);
  std::vector<QueueStatus> out;
  for (const auto& [key, status] : queues_) out.push_back(status);
  return out;
}

}  // namespace corral::merge
