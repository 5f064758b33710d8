#include "merge/check_job.h"

#include <cstdio>

#include "admission/run_bridge.h"
#include "core/file_lock.h"
#include "core/ids.h"
#include "routing/grant.h"

namespace corral::merge {

CheckJob::CheckJob(Merger& merger, const RepoContext& repo, const store::QueuedTask& task, std::string commit,
                   std::function<void()> ended)
    : merger_(merger), run_id_(new_id("c")), ended_(std::move(ended)) {
  const settings::RepoSettings& settings = repo.settings;
  routing::LimitRequest limits;
  limits.timeout_seconds = settings.check_timeout_seconds;
  auto grant = routing::default_grant(limits);
  if (!grant.is_ok()) {
    result_ = grant.status();
    done_ = true;
    return;
  }
  const MergerOptions& options = merger.options();
  runner::RunRequest request = admission::make_run_request(
      merger.layout(), repo.record,
      {task.id, run_id_, commit, settings.check_command, "", options.image, options.supervisor_path, *grant, {}});
  request.purpose = runner::RunPurpose::kCheck;
  request.is_cancelled = [this] { return stopping_.load(); };
  thread_ = std::thread([this, request = std::move(request)]() mutable { run(std::move(request)); });
}

CheckJob::~CheckJob() {
  stop();
  if (thread_.joinable()) thread_.join();
}

void CheckJob::stop() {
  if (done_ || stopping_.exchange(true)) return;
  (void)merger_.backend().kill(runner::sandbox_name(run_id_));  // not made yet: is_cancelled stops it first
}

void CheckJob::run(runner::RunRequest request) {
  const DataLayout& layout = merger_.layout();
  {
    // The run lock tells reconciliation this sandbox is live.
    auto live = FileLock::acquire(layout.run_lock(run_id_));
    if (!live.is_ok()) {
      result_ = live.status();
    } else {
      store::StoreSink sink(merger_.store());
      result_ = runner::run_task(request, merger_.backend(), sink, merger_.store().clock());
      if (!result_.is_ok()) result_ = result_.status().with_context("running the check command");
      std::remove(layout.run_lock(run_id_).c_str());
    }
  }
  done_ = true;
  if (ended_) ended_();
}

}  // namespace corral::merge
