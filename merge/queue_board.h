// What the merge queues are doing now, for people to see (corral queue show,
// /v1/queues): each queue's speculative checks (which task, on top of what,
// how its check stands) and its backoff when its upstream fails. Written by
// the queues' threads, read by the API's; it only describes, nothing reads it
// to decide.
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "core/thread_annotations.h"

namespace corral::merge {

struct SpeculationView {
  std::string task;
  std::string onto;    // the commit its change was put on: the tip, or the result of the tasks ahead
  std::string commit;  // the predicted result it is checked on
  std::string check;   // checking, passed, failed, none (no check command)
  std::string check_run;
  std::vector<std::string> ahead;  // the tasks whose changes are below it
};

struct QueueStatus {
  std::string repo_id;
  std::string target;  // as tasks name it ("" = the upstream's default branch)
  std::string branch;  // resolved, once the queue has looked
  std::string tip;     // the branch's tip when it last looked
  int depth = 0;
  bool active = false;  // a thread is advancing it now
  std::vector<SpeculationView> checks;
  int failures = 0;  // consecutive failures of its upstream
  std::string last_error;
  std::string retry_at;  // RFC 3339, while backing off
};

class QueueBoard {
 public:
  // Replaces what the queue showed (its backoff kept).
  void show(const QueueStatus& status);
  // The queue's upstream failed `failures` times in a row (0: it works again).
  void set_backoff(const std::string& repo_id, const std::string& target, int failures, const std::string& error,
                   const std::string& retry_at);
  // The queue's thread ended: no checks run (its backoff stays shown).
  void idle(const std::string& repo_id, const std::string& target);
  std::vector<QueueStatus> all() const;

 private:
  using Key = std::pair<std::string, std::string>;
  mutable Mutex mutex_;
  std::map<Key, QueueStatus> queues_ CORRAL_GUARDED_BY(mutex_);
};

}  // namespace corral::merge
