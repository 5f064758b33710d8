#include "merge/merge_queue.h"

#include <set>

#include <nlohmann/json.hpp>

#include "store/event_record.h"
#include "store/kill_switches.h"

namespace corral::merge {
namespace {

using json = nlohmann::json;
using store::TaskState;

// How long a queue waits for a check before it looks again anyway (the
// branch may have moved meanwhile).
constexpr std::chrono::seconds kCheckWait{1};

}  // namespace

Result<std::vector<QueueKey>> queues_with_work(store::Store& store) {
  return store.with([](store::Transaction& tx) -> Result<std::vector<QueueKey>> {
    auto merging = tx.queue.list({"", TaskState::kMerging, 10000});
    if (!merging.is_ok()) return merging.status();
    std::set<QueueKey> keys;
    for (const store::QueuedTask& task : *merging) keys.insert({task.repo_id, task.target_branch});
    return std::vector<QueueKey>(keys.begin(), keys.end());
  });
}

Result<std::map<QueueKey, std::vector<QueuePlace>>> queues_of(store::Transaction& tx, const std::string& repo_id) {
  auto switches = tx.kill_switches.all();
  if (!switches.is_ok()) return switches.status();
  std::map<QueueKey, std::vector<QueueTask>> tasks;
  std::set<std::string> ids;
  for (TaskState state : {TaskState::kMerging, TaskState::kReview}) {
    auto listed = tx.queue.list({repo_id, state, 10000});
    if (!listed.is_ok()) return listed.status();
    for (const store::QueuedTask& task : *listed) {
      const store::KillSwitch* held = store::covering(*switches, task.repo_id, task.agent, /*merging=*/true);
      tasks[{task.repo_id, task.target_branch}].push_back(
          {task.id, state == TaskState::kMerging, task.priority, task.updated_at, task.seq, task.parents,
           held ? "the " + held->scope + " kill switch holds merges (" + held->reason + ")" : "", task.agent});
      ids.insert(task.id);
    }
  }
  std::map<std::string, TaskState> outside;  // the parents' states, when not in a queue themselves
  for (const auto& [key, queued] : tasks) {
    for (const QueueTask& task : queued) {
      for (const std::string& parent : task.parents) {
        if (ids.count(parent) || outside.count(parent)) continue;
        auto found = tx.queue.find(parent);
        if (!found.is_ok()) return found.status();
        outside[parent] = *found ? (*found)->state : TaskState::kFailed;
      }
    }
  }
  std::map<QueueKey, std::vector<QueuePlace>> out;
  for (auto& [key, queued] : tasks) out[key] = order_queue(std::move(queued), outside);
  return out;
}

MergeQueue::MergeQueue(Merger& merger, QueueBoard& board, QueueKey key)
    : merger_(merger), board_(board), key_(std::move(key)) {}

MergeQueue::~MergeQueue() {
  drop_from(0);
  stopped_.clear();  // each was stopped: their threads end soon
  board_.idle(key_.repo_id, key_.target);
}

void MergeQueue::wake() {
  {
    MutexLock lock(mutex_);
    pinged_ = true;
  }
  changed_.notify_all();
}

void MergeQueue::wait_for_a_check(const std::atomic<bool>& stop) {
  MutexLock lock(mutex_);
  lock.wait_for(changed_, kCheckWait, [&]() CORRAL_REQUIRES(mutex_) { return pinged_ || stop.load(); });
  pinged_ = false;
}

Result<int> MergeQueue::run(const std::atomic<bool>& stop) {
  int left = 0;
  auto repo = load_repo_context(merger_.store(), key_.repo_id);
  if (!repo.is_ok()) return repo.status();
  std::string branch = repo->branch_for(key_.target);
  bool looked_for_half_done = false;
  while (!stop) {
    CORRAL_RETURN_IF_ERROR(collect_checks(*repo));
    CORRAL_ASSIGN_OR_RETURN(std::vector<std::string> ready, ready_tasks(left));
    if (ready.empty()) break;
    if (!looked_for_half_done) {
      looked_for_half_done = true;
      CORRAL_ASSIGN_OR_RETURN(bool resumed, resume_half_done(*repo, ready, left));
      if (resumed) continue;
    }
    CORRAL_ASSIGN_OR_RETURN(TaskMerge head, merger_.load(ready.front(), *repo));
    CORRAL_ASSIGN_OR_RETURN(std::optional<std::string> tip, merger_.observe(*repo, branch, head));
    if (!tip) {
      ++left;
      drop_from(0);
      continue;
    }
    CORRAL_ASSIGN_OR_RETURN(bool someone_left, build_chain(*repo, *tip, ready));
    show(branch, *tip, repo->settings.merge_queue_depth);
    if (someone_left) {
      ++left;
      continue;
    }
    if (chain_.empty()) break;  // cannot happen: the head always gets an entry
    if (chain_.front().check == Check::kChecking) {
      wait_for_a_check(stop);
      continue;
    }
    if (chain_.front().check == Check::kFailed) {
      CORRAL_RETURN_IF_ERROR(end_failed_head());
      ++left;
      continue;
    }
    CORRAL_ASSIGN_OR_RETURN(int landed, land_head(*repo, *tip));
    left += landed;
  }
  drop_from(0);
  return left;
}

Result<std::vector<std::string>> MergeQueue::ready_tasks(int& left) {
  auto queues = merger_.store().with([&](store::Transaction& tx) { return queues_of(tx, key_.repo_id); });
  if (!queues.is_ok()) return queues.status();
  std::vector<std::string> ready;
  for (const QueuePlace& place : (*queues)[key_]) {
    if (place.task.approved && !place.hold_reason.empty()) {
      CORRAL_RETURN_IF_ERROR(
          merger_.end_task(place.task.id, TaskState::kHeld, place.hold_reason, "task.held", json::object()));
      ++left;
      continue;
    }
    if (place.ready) ready.push_back(place.task.id);
  }
  return ready;
}

Result<bool> MergeQueue::resume_half_done(const RepoContext& repo, const std::vector<std::string>& ready, int& left) {
  bool resumed_any = false;  // every one: a batch leaves each of its members half done
  for (const std::string& id : ready) {
    auto record = merger_.store().with([&](store::Transaction& tx) { return tx.merges.find(id); });
    if (!record.is_ok()) return record.status();
    if (!*record || (*record)->state == store::MergeState::kPending) continue;
    CORRAL_ASSIGN_OR_RETURN(TaskMerge merge, merger_.load(id, repo));
    CORRAL_ASSIGN_OR_RETURN(std::optional<Landing> resumed, merger_.resume(merge, repo));
    if (resumed && *resumed == Landing::kSettled) ++left;
    resumed_any = true;
  }
  if (resumed_any) drop_from(0);
  return resumed_any;
}

Result<bool> MergeQueue::build_chain(const RepoContext& repo, const std::string& tip,
                                     const std::vector<std::string>& ready) {
  size_t depth = std::min(static_cast<size_t>(repo.settings.merge_queue_depth), ready.size());
  std::string onto = tip;
  for (size_t i = 0; i < depth; ++i) {
    if (i < chain_.size() && chain_[i].merge.task.id == ready[i] && chain_[i].onto == onto) {
      // A task whose check failed leaves once it is the head: those behind
      // it are built without it.
      onto = chain_[i].check == Check::kFailed ? chain_[i].onto : chain_[i].commit;
      continue;
    }
    drop_from(i);
    CORRAL_ASSIGN_OR_RETURN(bool left, add_entry(repo, ready[i], onto));
    if (left) return true;
    if (chain_.size() == i) break;  // already contained in the tasks ahead: it waits to be the head
    onto = chain_[i].commit;
  }
  drop_from(depth);
  return false;
}

Result<bool> MergeQueue::add_entry(const RepoContext& repo, const std::string& task_id, const std::string& onto) {
  CORRAL_ASSIGN_OR_RETURN(TaskMerge merge, merger_.load(task_id, repo));
  CORRAL_ASSIGN_OR_RETURN(std::optional<Merger::Integrated> integrated, merger_.integrate(merge, repo, onto));
  if (!integrated) return true;  // it conflicted
  if (integrated->unchanged && !chain_.empty()) return false;
  std::string commit = integrated->unchanged ? onto : integrated->commit;
  if (!integrated->unchanged) {
    CORRAL_ASSIGN_OR_RETURN(bool kept, merger_.recheck(merge, repo, onto, commit));
    if (!kept) return true;
  }
  Entry entry{std::move(merge), onto, commit};
  for (const Entry& below : chain_)
    if (below.check != Check::kFailed) entry.ahead.push_back(below.merge.task.id);
  if (integrated->unchanged || repo.settings.check_command.empty()) {
    entry.check = Check::kPassed;
    entry.recorded = true;
  } else {
    entry.job = std::make_unique<CheckJob>(merger_, repo, entry.merge.task, commit, [this] { wake(); });
  }
  chain_.push_back(std::move(entry));
  return false;
}

void MergeQueue::drop_from(size_t from) {
  for (size_t i = from; i < chain_.size(); ++i) {
    if (!chain_[i].job || chain_[i].job->done()) continue;
    chain_[i].job->stop();
    stopped_.push_back(std::move(chain_[i].job));
  }
  if (from < chain_.size()) chain_.erase(chain_.begin() + static_cast<std::ptrdiff_t>(from), chain_.end());
  std::erase_if(stopped_, [](const std::unique_ptr<CheckJob>& job) { return job->done(); });
}

Status MergeQueue::collect_checks(const RepoContext& repo) {
  for (size_t i = 0; i < chain_.size(); ++i) {
    Entry& entry = chain_[i];
    if (entry.recorded || !entry.job || !entry.job->done()) continue;
    const Result<runner::RunResult>& result = entry.job->result();
    if (!result.is_ok()) {
      // corral could not run it (not the task's fault): built again on the next try.
      Status why = result.status();
      drop_from(i);
      return why;
    }
    entry.recorded = true;
    json payload = {{"check", "command"},
                    {"command", repo.settings.check_command},
                    {"commit", entry.commit},
                    {"onto", entry.onto},
                    {"ahead", entry.ahead},
                    {"exit_code", result->exit.exit_code},
                    {"output_tail", result->output_tail}};
    if (result->succeeded()) {
      entry.check = Check::kPassed;
      CORRAL_RETURN_IF_ERROR(merger_.store().with([&](store::Transaction& tx) {
        return store::TaskEvent("check.passed", entry.merge.task)
            .run(entry.job->run_id())
            .payload(payload)
            .record(tx.events);
      }));
      continue;
    }
    entry.check = Check::kFailed;
    entry.failure = payload.dump();
    entry.failure_reason = "the check command failed on the merged result (" + result->reason() + ")";
  }
  return Status::ok();
}

Status MergeQueue::end_failed_head() {
  Entry& head = chain_.front();
  json payload = json::parse(head.failure, nullptr, false);
  CORRAL_RETURN_IF_ERROR(
      merger_.end_task(head.merge.task.id, TaskState::kChecksFailed, head.failure_reason, "check.failed", payload));
  chain_.erase(chain_.begin());
  return Status::ok();
}

Result<int> MergeQueue::land_head(const RepoContext& repo, const std::string& tip) {
  // The head and the passed tasks right behind it, each built on the one
  // before, up to the repository's batch size: one landing.
  std::vector<Merger::Landed> batch;
  std::string onto = tip;
  for (Entry& entry : chain_) {
    bool fits = static_cast<int>(batch.size()) < repo.settings.merge_batch && entry.check == Check::kPassed &&
                entry.onto == onto;
    if (!fits) break;
    batch.push_back({&entry.merge, entry.onto, entry.commit});
    onto = entry.commit;
  }
  Entry& head = chain_.front();
  CORRAL_ASSIGN_OR_RETURN(Landing landed, merger_.land(batch, repo));
  if (landed == Landing::kSettled) {
    moved_attempts_ = 0;
    // The next was built on exactly the last one's commit.
    chain_.erase(chain_.begin(), chain_.begin() + static_cast<std::ptrdiff_t>(batch.size()));
    return static_cast<int>(batch.size());
  }
  // The upstream moved (the next look rebuilds the chain) or is locked.
  int limit = merger_.options().max_publish_attempts;
  if (++moved_attempts_ < limit) return false;
  moved_attempts_ = 0;
  const Status& refusal = head.merge.last_refusal;
  std::string attempts = std::to_string(limit) + " attempts";
  std::string reason =
      refusal.code() == Code::kBusy
          ? "the upstream's " + head.merge.branch + " was locked at each of " + attempts + " (" + refusal.message() +
                "); retry once the lock is gone"
          : "the upstream's " + head.merge.branch + " moved during each of " + attempts + "; retry later";
  std::string id = head.merge.task.id;
  json payload = {{"branch", head.merge.branch}, {"locked", refusal.code() == Code::kBusy}};
  drop_from(0);
  CORRAL_RETURN_IF_ERROR(merger_.end_task(id, TaskState::kMergeFailed, reason, "merge.failed", payload));
  return true;
}

const char* MergeQueue::shown_state(const Entry& entry) {
  if (entry.check == Check::kChecking) return "checking";
  if (entry.check == Check::kFailed) return "failed";
  return entry.job ? "passed" : "none";  // none: no check command, or nothing changed
}

void MergeQueue::show(const std::string& branch, const std::string& tip, int depth) {
  QueueStatus status;
  status.repo_id = key_.repo_id;
  status.target = key_.target;
  status.branch = branch;
  status.tip = tip;
  status.depth = depth;
  status.active = true;
  std::vector<std::string> ahead;
  for (const Entry& entry : chain_) {
    status.checks.push_back({entry.merge.task.id, entry.onto, entry.commit, shown_state(entry),
                             entry.job ? entry.job->run_id() : "", ahead});
    ahead.push_back(entry.merge.task.id);
  }
  board_.show(status);
}

}  // namespace corral::merge
