#include "daemon/history.h"

#include <filesystem>

#include "core/data_dir.h"
#include "core/ids.h"
#include "scheduler/backends.h"
#include "store/records.h"
#include "store/task_queue.h"

namespace corral::daemon {
namespace {

Result<std::unique_ptr<store::Database>> open_existing(const std::string& data_dir) {
  DataLayout layout = layout_for(data_dir);
  if (!std::filesystem::exists(layout.database())) {
    return Status::not_found("no corral data in " + layout.root() + " (nothing has run there yet)");
  }
  return store::Database::open(layout.database());
}

}  // namespace

Result<std::vector<store::StoredEvent>> task_events(const std::string& data_dir, const std::string& task_id) {
  if (!is_valid_id(task_id, "t")) return Status::invalid_argument("'" + task_id + "' is not a task id");
  auto db = open_existing(data_dir);
  if (!db.is_ok()) return db.status();
  SystemClock clock;
  auto task = store::TaskQueue(**db, clock).find(task_id);
  if (!task.is_ok()) return task.status();
  if (!*task) return Status::not_found("no task " + task_id);
  return store::EventLog(**db, clock).for_task(task_id);
}

Result<store::ChainReport> verify_audit(const std::string& data_dir) {
  auto db = open_existing(data_dir);
  if (!db.is_ok()) return db.status();
  SystemClock clock;
  return store::EventLog(**db, clock).verify();
}

Result<scheduler::ReconcileReport> reconcile_now(const std::string& data_dir, const Clock& clock) {
  auto db = open_existing(data_dir);
  if (!db.is_ok()) return db.status();
  DataLayout layout = layout_for(data_dir);
  auto backends = scheduler::backends_to_reconcile(layout);
  std::vector<containers::SandboxBackend*> pointers;
  for (auto& backend : backends) pointers.push_back(backend.get());
  store::Records records(**db, clock);
  store::TaskQueue queue(**db, clock);
  store::EventLog events(**db, clock);
  return scheduler::reconcile(layout, records, queue, events, pointers);
}

}  // namespace corral::daemon
