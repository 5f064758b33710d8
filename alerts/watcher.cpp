#include "alerts/watcher.h"

#include <algorithm>

#include <spdlog/spdlog.h>

#include "core/ids.h"

namespace corral::alerts {
namespace {

// Events read in one transaction: long enough to be cheap per event, short
// enough that the store's lock is not held for long.
constexpr int kBatch = 500;
constexpr std::chrono::milliseconds kSweepEvery{1000};
// Once woken, the watcher lets this long's events gather: a pass per append
// would cost a transaction per event at a busy daemon's rates.
constexpr std::chrono::milliseconds kGather{50};
constexpr int kSweepPart = 1000;
const std::string kGenesis(64, '0');
constexpr std::chrono::milliseconds kRetryDelay{1000};
// Events held as handed over at most; beyond, the watcher reads the log.
constexpr size_t kMaxHandedOver = 20000;

bool takes(const store::AlertDestination& destination, const store::AlertRecord& alert) {
  if (!destination.repo_id.empty() && destination.repo_id != alert.repo_id) return false;
  if (!destination.rules.empty() &&
      std::find(destination.rules.begin(), destination.rules.end(), alert.rule) == destination.rules.end())
    return false;
  return severity_rank(alert.severity) >= severity_rank(destination.min_severity);
}

}  // namespace

AlertWatcher::AlertWatcher(store::Store& store, std::function<void()> delivery_queued,
                           std::function<void(const store::StoredEvent&)> read)
    : store_(store), delivery_queued_(std::move(delivery_queued)), read_(std::move(read)) {
  listener_ = store_.add_event_listener([this](const store::StoredEvent& stored) { handed_over(stored); });
  // The first start (a new data directory, or one from before alerts) begins
  // at the log's end: alerts are about what happens from now on, not a storm
  // about the past.
  Status started = store_.with([&](store::Transaction& tx) -> Status {
    CORRAL_ASSIGN_OR_RETURN(auto cursor, tx.alerts.stored_cursor());
    if (cursor) return Status::ok();
    CORRAL_ASSIGN_OR_RETURN(int64_t last, tx.events.last_seq());
    CORRAL_ASSIGN_OR_RETURN(auto tail, tx.events.after(last - 1, {}, 1));
    return tx.alerts.set_cursor({last, tail.empty() ? "" : tail.front().hash});
  });
  if (!started.is_ok()) spdlog::error("alert rules: finding where to start: {}", started.to_string());
}

AlertWatcher::~AlertWatcher() { store_.remove_event_listener(listener_); }

void AlertWatcher::handed_over(const store::StoredEvent& stored) {
  {
    MutexLock lock(handed_mutex_);
    // A seq given again: the events handed over from it were rolled back.
    while (!handed_.empty() && handed_.back().seq >= stored.seq) handed_.pop_back();
    if (handed_.size() >= kMaxHandedOver) handed_.clear();
    handed_.push_back(stored);
  }
  wakeup_.notify();
}

Result<std::vector<store::StoredEvent>> AlertWatcher::next_events(store::Transaction& tx, int64_t seq) {
  std::vector<store::StoredEvent> handed;
  {
    MutexLock lock(handed_mutex_);
    while (!handed_.empty() && handed_.front().seq <= seq) handed_.pop_front();
    if (!handed_.empty() && handed_.front().seq == seq + 1) {
      size_t count = std::min<size_t>(handed_.size(), kBatch);
      handed.assign(std::make_move_iterator(handed_.begin()), std::make_move_iterator(handed_.begin() + count));
      handed_.erase(handed_.begin(), handed_.begin() + static_cast<std::ptrdiff_t>(count));
    }
  }
  if (!handed.empty()) {
    // No write is under way (this holds the store's lock). The chain makes
    // the last event stand for all before it: if it is stored as handed
    // over, so are they; if not, one was rolled back.
    CORRAL_ASSIGN_OR_RETURN(auto last, tx.events.after(handed.back().seq - 1, {}, 1));
    const store::StoredEvent& back = handed.back();
    if (!last.empty() && last.front().seq == back.seq && last.front().hash == back.hash &&
        last.front().prev_hash == back.prev_hash)
      return handed;
  }
  return tx.events.after(seq, {}, kBatch);
}

Result<int> AlertWatcher::pass() {
  bool queued = false;
  std::vector<store::StoredEvent> events;
  auto read = store_.with([&](store::Transaction& tx) -> Result<int> {
    int count = 0;
    Status status = tx.atomically([&]() -> Status {
      CORRAL_ASSIGN_OR_RETURN(store::AlertCursor cursor, tx.alerts.cursor());
      if (!book_) book_.emplace(cursor.hash);
      CORRAL_ASSIGN_OR_RETURN(events, next_events(tx, cursor.seq));
      if (events.empty()) return Status::ok();
      StoreContext context(tx, cache_);
      for (const store::StoredEvent& stored : events) {
        if (stored.event.type == "policy.changed") cache_.settings.erase(stored.event.repo_id);
        for (const RaisedAlert& raised : book_->observe(stored, context))
          CORRAL_RETURN_IF_ERROR(keep(tx, context, raised, queued));
        CORRAL_RETURN_IF_ERROR(context.error());
      }
      count = static_cast<int>(events.size());
      return tx.alerts.set_cursor({events.back().seq, events.back().hash});
    });
    if (!status.is_ok()) return status;
    return count;
  });
  if (!read.is_ok()) {
    // What the rules remember ran ahead of the cursor, which did not move:
    // they start again from it.
    book_.reset();
    cache_ = {};
    queued = false;
  }
  if (queued && delivery_queued_) delivery_queued_();
  if (read.is_ok() && read_)
    for (const store::StoredEvent& stored : events) read_(stored);
  return read;
}

Status AlertWatcher::keep(store::Transaction& tx, StoreContext& context, const RaisedAlert& raised, bool& queued) {
  const settings::AlertSettings& limits = context.settings_of(raised.repo_id).alerts;
  if (std::find(limits.muted.begin(), limits.muted.end(), raised.rule) != limits.muted.end()) return Status::ok();
  if (!raised.recorded && limits.cooldown_minutes > 0) {
    CORRAL_ASSIGN_OR_RETURN(auto last, tx.alerts.last_raised_ms(raised.rule, raised.subject));
    int64_t cooldown_ms = int64_t{limits.cooldown_minutes} * 60 * 1000;
    if (last && *last > epoch_ms(store_.clock().now()) - cooldown_ms) return Status::ok();
  }
  store::AlertRecord alert;
  alert.id = new_id("alr");
  alert.rule = raised.rule;
  alert.severity = raised.severity;
  alert.repo_id = raised.repo_id;
  alert.task_id = raised.task_id;
  alert.agent = raised.agent;
  alert.subject = raised.subject;
  alert.summary = raised.summary;
  alert.facts = nlohmann::json({{"facts", raised.facts}, {"events", raised.events}}).dump();
  if (raised.recorded) {
    alert.seq = raised.events.front();
  } else {
    Event event;
    event.type = "alert.raised";
    event.task_id = raised.task_id;
    event.run_id = raised.run_id;
    event.repo_id = raised.repo_id;
    event.agent = raised.agent;
    event.correlation_id = raised.run_id.empty() ? raised.task_id : raised.run_id;
    set_payload(event, {{"alert", alert.id},
                        {"rule", raised.rule},
                        {"severity", raised.severity},
                        {"summary", raised.summary},
                        {"facts", raised.facts},
                        {"events", raised.events}});
    CORRAL_ASSIGN_OR_RETURN(store::StoredEvent appended, tx.events.append(event));
    alert.seq = appended.seq;
  }
  CORRAL_RETURN_IF_ERROR(tx.alerts.insert(alert));
  CORRAL_ASSIGN_OR_RETURN(auto destinations, tx.outbox.destinations());
  for (const store::AlertDestination& destination : destinations) {
    if (!takes(destination, alert)) continue;
    CORRAL_RETURN_IF_ERROR(tx.outbox.enqueue(alert.id, destination.name));
    queued = true;
  }
  return Status::ok();
}

Status AlertWatcher::sweep() {
  bool queued = false;
  Status status = store_.with([&](store::Transaction& tx) -> Status {
    CORRAL_ASSIGN_OR_RETURN(
        store::ChainReport part,
        tx.events.verify_part(swept_seq_, swept_hash_.empty() ? kGenesis : swept_hash_, kSweepPart));
    if (part.intact) {
      bool at_end = part.events_checked < kSweepPart;
      swept_seq_ = at_end ? 0 : part.last_seq;
      swept_hash_ = at_end ? "" : part.head_hash;
      return Status::ok();
    }
    swept_seq_ = 0;
    swept_hash_.clear();
    RaisedAlert broken;
    broken.rule = "broken_chain";
    broken.severity = severity::kCritical;
    broken.subject = "log";
    broken.summary =
        "the event log's hash chain is broken at event " + std::to_string(part.first_broken_seq) + ": " + part.problem;
    broken.facts = {{"seq", part.first_broken_seq}, {"problem", part.problem}, {"found_by", "sweep"}};
    broken.events = {part.first_broken_seq};
    StoreContext context(tx, cache_);
    return tx.atomically([&] { return keep(tx, context, broken, queued); });
  });
  if (queued && delivery_queued_) delivery_queued_();
  return status;
}

void AlertWatcher::run(const std::atomic<bool>& stop) {
  MonotonicPoint swept{};
  while (!stop) {
    auto read = pass();
    if (!read.is_ok()) {
      spdlog::error("alert rules: {}", read.status().to_string());
      store_.clock().sleep(kRetryDelay);
      continue;
    }
    if (*read == kBatch) continue;
    // The sweep takes idle time only: a busy log is read, not re-hashed.
    if (*read == 0 && store_.clock().since(swept) >= kSweepEvery) {
      Status status = sweep();
      if (!status.is_ok()) spdlog::error("alert rules, sweeping the chain: {}", status.to_string());
      swept = store_.clock().monotonic();
    }
    if (store_.clock().wait(wakeup_, kSweepEvery)) store_.clock().sleep(kGather);
  }
}

}  // namespace corral::alerts
