// corral's metrics: counted from the events as the alert watcher reads them
// (each once, in order: runs started and ended, model tokens and calls, tool
// calls and egress by verdict, merges, refusals, rollbacks, alerts, failed
// deliveries, and durations between a task's events), and read from the
// store when scraped (tasks by state, each repository's tier in force, open
// alerts, the outbox's depth, unhealthy destinations). Counters start at the
// daemon's start, as Prometheus expects of a process. Labels are
// repositories, agent profiles, rules and verdicts: never a task or run id.
#pragma once

#include <map>
#include <string>

#include "core/thread_annotations.h"
#include "metrics/registry.h"
#include "store/store.h"

namespace corral::metrics {

class EventMetrics {
 public:
  EventMetrics();

  // Thread-safe (the watcher's thread).
  void observe(const store::StoredEvent& stored);
  // The Prometheus text: the counters, with the gauges read from `store` now.
  Result<std::string> exposition(store::Store& store);

 private:
  void timed(const store::StoredEvent& stored, double at);

  Registry registry_;
  Mutex mutex_;
  // When each task's timed step began (seconds since the epoch); dropped when it ends.
  std::map<std::string, double> queued_at_ CORRAL_GUARDED_BY(mutex_);
  std::map<std::string, double> routed_at_ CORRAL_GUARDED_BY(mutex_);
  std::map<std::string, double> started_at_ CORRAL_GUARDED_BY(mutex_);
  std::map<std::string, double> mergeable_at_ CORRAL_GUARDED_BY(mutex_);
};

}  // namespace corral::metrics
