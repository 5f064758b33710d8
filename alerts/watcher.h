// The alert watcher: reads each stored event once, in order, from where it
// stopped (its cursor, kept in the store in the same transaction as what it
// raised, so a restart neither skips nor repeats an event; the first start
// begins at the log's end, so a log from before alerts raises no storm about
// the past), puts it to the
// rules, and keeps what they raise: the alert (unless its rule is muted for
// the repository or its cooldown is running), an alert.raised event, and a
// pending delivery to every destination whose filter takes it. Woken by the
// store's appends (and reading what 50 ms gathered): nothing looks for new
// events on a timer. The appends hand their events over too, so the log is
// read back only to catch up (after a restart, a rolled-back append, or
// falling far behind).
//
// The rules check each new event's link to the one before. Re-hashing every
// event, which finds a row altered after it was written, is a sweep instead:
// when a pass found no new event, a part of the log (kSweepPart events) a second,
// from the first event to the last and round again, so a long log is
// verified within log size / kSweepPart seconds without slowing ingest.
#pragma once

#include <atomic>
#include <deque>
#include <functional>
#include <optional>
#include <vector>

#include "alerts/rule_book.h"
#include "alerts/store_context.h"
#include "core/thread_annotations.h"
#include "core/wakeup.h"
#include "store/store.h"

namespace corral::alerts {

class AlertWatcher {
 public:
  // `delivery_queued` is called after a pass that queued a delivery (it wakes
  // the courier); `read` with each event once its pass is committed (the
  // metrics count them); empty: none.
  AlertWatcher(store::Store& store, std::function<void()> delivery_queued,
               std::function<void(const store::StoredEvent&)> read = nullptr);
  ~AlertWatcher();

  // Reads up to one batch of new events; returns how many it read.
  Result<int> pass();
  // Verifies the next part of the chain; a break raises broken_chain and the
  // next sweep starts from the first event.
  Status sweep();
  // Passes until `stop`, each time something is stored; sweeps while idle.
  void run(const std::atomic<bool>& stop);
  void wake() { wakeup_.notify(); }

 private:
  Status keep(store::Transaction& tx, StoreContext& context, const RaisedAlert& raised, bool& queued);
  // The store's append listener (under the store's lock).
  void handed_over(const store::StoredEvent& stored);
  // The events after `seq`: those handed over when they follow on from it and
  // are as stored, else read from the log.
  Result<std::vector<store::StoredEvent>> next_events(store::Transaction& tx, int64_t seq);

  store::Store& store_;
  std::function<void()> delivery_queued_;
  std::function<void(const store::StoredEvent&)> read_;
  int listener_ = 0;
  Wakeup wakeup_;
  Mutex handed_mutex_;
  std::deque<store::StoredEvent> handed_ CORRAL_GUARDED_BY(handed_mutex_);  // in seq order
  // Used by the thread in pass() alone.
  std::optional<RuleBook> book_;  // made from the cursor; dropped when a pass fails
  ContextCache cache_;
  int64_t swept_seq_ = 0;   // the sweep's place: it goes on after this event, whose hash is
  std::string swept_hash_;  // this ("" before the first event)
};

}  // namespace corral::alerts
