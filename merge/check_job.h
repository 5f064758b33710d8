// The repository's check command on one commit, in a sandbox, on a thread of
// its own: a merge queue runs several at once, each on the predicted result
// of the tasks ahead of its task. A job the queue no longer needs (a task
// ahead left, the branch moved) is stopped: its sandbox is killed.
#pragma once

#include <atomic>
#include <functional>
#include <string>
#include <thread>

#include "merge/merger.h"
#include "runner/task_run.h"

namespace corral::merge {

class CheckJob {
 public:
  // Starts at once. `ended` is called on the job's thread as it ends (it
  // must only wake someone up).
  CheckJob(Merger& merger, const RepoContext& repo, const store::QueuedTask& task, std::string commit,
           std::function<void()> ended);
  ~CheckJob();  // stops the job if it still runs, and waits for its thread
  CheckJob(const CheckJob&) = delete;
  CheckJob& operator=(const CheckJob&) = delete;

  bool done() const { return done_; }
  // After done(): how the run went, or why it could not run.
  const Result<runner::RunResult>& result() const { return result_; }
  const std::string& run_id() const { return run_id_; }
  // Ends the job soon: before its sandbox starts, or by killing it.
  void stop();

 private:
  void run(runner::RunRequest request);

  Merger& merger_;
  std::string run_id_;
  std::function<void()> ended_;
  std::atomic<bool> stopping_{false};
  std::atomic<bool> done_{false};
  Result<runner::RunResult> result_ = Status::internal("the check has not ended");  // written before done_
  std::thread thread_;                                                              // last: starts with the rest set
};

}  // namespace corral::merge
