#include "store/store.h"

namespace corral::store {

Store::Store(std::unique_ptr<Database> db, const Clock& clock)
    : db_(std::move(db)),
      clock_(clock),
      records_(*db_, clock),
      queue_(*db_, clock),
      events_(*db_, clock),
      reviews_(*db_, clock),
      merges_(*db_, clock),
      outcomes_(*db_, clock),
      tokens_(*db_, clock),
      sessions_(*db_, clock),
      settings_history_(*db_, clock),
      kill_switches_(*db_, clock),
      alerts_(*db_, clock),
      outbox_(*db_, clock) {
  events_.set_append_listener([this](const StoredEvent& stored) {
    for (const auto& [handle, listener] : event_listeners_) listener(stored);
  });
}

Result<std::unique_ptr<Store>> Store::open(const std::string& path, const Clock& clock) {
  auto db = Database::open(path);
  if (!db.is_ok()) return db.status();
  return std::make_unique<Store>(std::move(*db), clock);
}

}  // namespace corral::store
