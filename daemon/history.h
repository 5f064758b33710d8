// Reading what happened: a task's events, the audit of the whole event chain,
// and cleaning up after crashes on demand. Nothing here creates a data
// directory that does not exist.
#pragma once

#include <string>
#include <vector>

#include "core/clock.h"
#include "scheduler/reconcile.h"
#include "store/event_log.h"

namespace corral::daemon {

// A task's events in order. invalid_argument for a malformed id, not_found
// for a task that does not exist.
Result<std::vector<store::StoredEvent>> task_events(const std::string& data_dir, const std::string& task_id);

// Walks the whole chain; see store::EventLog::verify.
Result<store::ChainReport> verify_audit(const std::string& data_dir);

// reconcile() against every backend that may hold leftovers (backends_to_reconcile).
Result<scheduler::ReconcileReport> reconcile_now(const std::string& data_dir, const Clock& clock);

}  // namespace corral::daemon
