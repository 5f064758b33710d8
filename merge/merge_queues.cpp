#include "merge/merge_queues.h"

#include <random>

#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include "store/event_record.h"

namespace corral::merge {

std::chrono::milliseconds backoff_delay(const QueueBackoff& backoff, int failures, double jitter) {
  double delay = static_cast<double>(backoff.first.count());
  for (int i = 1; i < failures && delay < static_cast<double>(backoff.most.count()); ++i) delay *= 2;
  delay = std::min(delay, static_cast<double>(backoff.most.count()));
  return std::chrono::milliseconds(static_cast<int64_t>(delay * (0.5 + jitter / 2)));
}

MergeQueues::MergeQueues(Merger& merger, QueueBoard& board, std::function<void()> ended, QueueBackoff backoff)
    : merger_(merger), board_(board), ended_(std::move(ended)), policy_(backoff) {}

MergeQueues::~MergeQueues() { stop(); }

void MergeQueues::stop() {
  stopping_ = true;
  for (auto& [key, running] : running_) running->queue->wake();
  for (auto& [key, running] : running_)
    if (running->thread.joinable()) running->thread.join();
  running_.clear();
}

Result<std::optional<std::chrono::milliseconds>> MergeQueues::dispatch() {
  for (auto it = running_.begin(); it != running_.end();) {
    if (!it->second->done) {
      ++it;
      continue;
    }
    it->second->thread.join();
    reap(it->first, *it->second);
    it = running_.erase(it);
  }
  auto keys = queues_with_work(merger_.store());
  if (!keys.is_ok()) return keys.status();
  MonotonicPoint now = merger_.store().clock().monotonic();
  std::optional<std::chrono::milliseconds> next_due;
  for (const QueueKey& key : *keys) {
    if (stopping_ || running_.count(key)) continue;
    auto idle = idle_.find(key);
    if (idle != idle_.end() && idle->second == changes_) continue;
    auto waiting = backoff_.find(key);
    if (waiting != backoff_.end() && waiting->second.due > now) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(waiting->second.due - now);
      next_due = next_due ? std::min(*next_due, left) : left;
      continue;
    }
    auto running = std::make_unique<Running>();
    running->changes_at_start = changes_;
    ++runs_started_;
    running->queue = std::make_unique<MergeQueue>(merger_, board_, key);
    Running* raw = running.get();
    raw->thread = std::thread([this, raw] {
      raw->outcome = raw->queue->run(stopping_);
      raw->done = true;
      if (ended_) ended_();
    });
    running_.emplace(key, std::move(running));
  }
  return next_due;
}

void MergeQueues::reap(const QueueKey& key, Running& running) {
  running.queue.reset();  // stops what it still ran
  Backoff& backoff = backoff_[key];
  if (running.outcome.is_ok()) {
    idle_[key] = running.changes_at_start;
    if (backoff.failures > 0) spdlog::info("merge queue {} {}: its upstream answers again", key.repo_id, key.target);
    backoff_.erase(key);
    board_.set_backoff(key.repo_id, key.target, 0, "", "");
    return;
  }
  idle_.erase(key);  // its backoff decides when it runs again
  ++backoff.failures;
  static thread_local std::mt19937 random{std::random_device{}()};
  auto delay = backoff_delay(policy_, backoff.failures, std::uniform_real_distribution<double>(0, 1)(random));
  backoff.due = merger_.store().clock().monotonic() + delay;
  const Status& why = running.outcome.status();
  spdlog::warn("merge queue {} {}: {} (failure {}; next try in {} ms)", key.repo_id, key.target, why.to_string(),
               backoff.failures, delay.count());
  board_.set_backoff(key.repo_id, key.target, backoff.failures, why.message(),
                     format_rfc3339(merger_.store().clock().now() + delay));
  if (backoff.failures >= policy_.alert_after && !backoff.alerted) {
    Status raised = raise_stalled(key, backoff, why);
    backoff.alerted = raised.is_ok();
    if (!raised.is_ok()) spdlog::error("merge queue alert: {}", raised.to_string());
  }
}

Status MergeQueues::raise_stalled(const QueueKey& key, const Backoff& backoff, const Status& why) {
  nlohmann::json payload = {
      {"kind", "merge_queue_stalled"},
      {"target", key.target},
      {"failures", backoff.failures},
      {"error", why.message()},
      {"reason", "the merge queue failed " + std::to_string(backoff.failures) + " times in a row: " + why.message()}};
  return merger_.store().with([&](store::Transaction& tx) {
    return store::RepoEvent("alert.raised", key.repo_id).payload(payload).record(tx.events);
  });
}

}  // namespace corral::merge
