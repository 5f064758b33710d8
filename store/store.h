// The daemon's database as the modules share it: one SQLite connection, the
// typed tables over it, and the lock that makes the connection one thread's
// at a time. Every module reaches the database through a Transaction handed
// out by Store::with(); none holds a table or the connection otherwise.
//
//   store.with([&](store::Transaction& tx) -> Status {
//     return tx.atomically([&]() -> Status { ... tx.queue.transition(...) ... });
//   });
//
// with() holds the lock for the whole body, so reads and writes inside it see
// one consistent database; atomically() makes the body's writes one SQLite
// transaction (all or none).
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <mutex>

#include "core/clock.h"
#include "core/status.h"
#include "store/alert_outbox.h"
#include "store/alerts.h"
#include "store/database.h"
#include "store/event_log.h"
#include "store/kill_switches.h"
#include "store/merges.h"
#include "store/outcomes.h"
#include "store/records.h"
#include "store/reviews.h"
#include "store/sessions.h"
#include "store/settings_history.h"
#include "store/task_queue.h"
#include "store/tokens.h"

namespace corral::store {

// The tables, held exclusively for the duration of one Store::with() call.
// Never keep a reference to one beyond that call.
struct Transaction {
  Database& db;
  Records& records;
  TaskQueue& queue;
  EventLog& events;
  Reviews& reviews;
  MergeLog& merges;
  Outcomes& outcomes;
  Tokens& tokens;
  Sessions& sessions;
  SettingsHistory& settings_history;
  KillSwitches& kill_switches;
  Alerts& alerts;
  AlertOutbox& outbox;

  // Runs `body` as one SQLite transaction: committed if it returns ok,
  // rolled back otherwise. Nested calls join the outer transaction.
  [[nodiscard]] Status atomically(const std::function<Status()>& body) { return db.in_transaction(body); }
};

class Store {
 public:
  // Takes the open (migrated) database; `clock` stamps rows and events and
  // must outlive the Store.
  Store(std::unique_ptr<Database> db, const Clock& clock);

  // Opens the database at `path` (creating and migrating it).
  static Result<std::unique_ptr<Store>> open(const std::string& path, const Clock& clock);

  // The tables with the connection's lock held until it goes out of scope.
  // Thread-safe; not re-entrant (its holder must not lock again).
  class Locked : public Transaction {
   public:
    Locked(std::mutex& mutex, Transaction tables) : Transaction(tables), lock_(mutex) {}

   private:
    std::unique_lock<std::mutex> lock_;
  };
  [[nodiscard]] Locked lock() {
    return Locked(mutex_, Transaction{*db_, records_, queue_, events_, reviews_, merges_, outcomes_, tokens_, sessions_,
                                      settings_history_, kill_switches_, alerts_, outbox_});
  }

  // Runs `body(Transaction&)` under the lock and returns what it returns.
  template <typename Body>
  auto with(Body body) {
    Locked tx = lock();
    return body(static_cast<Transaction&>(tx));
  }

  const Clock& clock() const { return clock_; }

  // `listener` is called after every task submission and state change
  // (TaskQueue::set_change_listener) and kill switch change, under the lock;
  // empty: none. Set under
  // the lock too, so once this returns the old listener is never called again.
  void set_task_listener(std::function<void()> listener) {
    std::lock_guard lock(mutex_);
    kill_switches_.set_change_listener(listener);
    queue_.set_change_listener(std::move(listener));
  }

  // Adds `listener`, called with every event appended (EventLog) under the
  // lock, so that what it wakes reads only once the write is over. The event
  // may yet be rolled back with its transaction: then the next one appended
  // has the same seq. Returns the handle that removes it; once
  // remove_event_listener returns, the listener is never called again.
  int add_event_listener(std::function<void(const StoredEvent&)> listener) {
    std::lock_guard lock(mutex_);
    event_listeners_.emplace(++last_listener_, std::move(listener));
    return last_listener_;
  }
  void remove_event_listener(int handle) {
    std::lock_guard lock(mutex_);
    event_listeners_.erase(handle);
  }

 private:
  std::unique_ptr<Database> db_;
  const Clock& clock_;
  std::mutex mutex_;  // guards db_ and every table below (they share its connection)
  Records records_;
  TaskQueue queue_;
  EventLog events_;
  Reviews reviews_;
  MergeLog merges_;
  Outcomes outcomes_;
  Tokens tokens_;
  Sessions sessions_;
  SettingsHistory settings_history_;
  KillSwitches kill_switches_;
  Alerts alerts_;
  AlertOutbox outbox_;
  std::map<int, std::function<void(const StoredEvent&)>> event_listeners_;  // called by events_ (under mutex_)
  int last_listener_ = 0;
};

// An EventSink for threads that hold no Transaction (a run's workers hand it
// to runner/): each event is recorded under the Store's lock.
class StoreSink final : public EventSink {
 public:
  explicit StoreSink(Store& store) : store_(store) {}
  Status record(const Event& event) override {
    return store_.with([&](Transaction& tx) { return tx.events.record(event); });
  }

 private:
  Store& store_;
};

}  // namespace corral::store
