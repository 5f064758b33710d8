// What the merge benchmarks start from: a repository of FILES files and one
// branch per task adding one file on its base, and those tasks stored as
// finished, approved runs waiting in the merge queue (what the daemon leaves).
#pragma once

#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "bench/bench_support.h"
#include "core/data_layout.h"
#include "git/mirror.h"
#include "merge/commit_step.h"
#include "store/store.h"

namespace corral::bench {

// Runs `command`; its output without the last newline. Stops the benchmark if it fails.
inline std::string run_command(const std::string& command) {
  std::string out;
  FILE* pipe = ::popen((command + " 2>&1").c_str(), "r");
  must(pipe != nullptr, command);
  char buffer[4096];
  size_t n;
  while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) out.append(buffer, n);
  must(::pclose(pipe) == 0, command + ": " + out);
  while (!out.empty() && out.back() == '\n') out.pop_back();
  return out;
}

// The sample repository in `work`: FILES files in a few folders, one commit;
// and a branch corral/t-benchN per task, each adding one file on that base.
inline void make_task_history(const std::string& work, int tasks, int files) {
  run_command("git init -q -b main " + work);
  for (int i = 0; i < files; ++i) {
    std::filesystem::create_directories(work + "/src/m" + std::to_string(i % 10));
    FILE* file = std::fopen((work + "/src/m" + std::to_string(i % 10) + "/f" + std::to_string(i) + ".c").c_str(), "w");
    std::fprintf(file, "int f%d(void) { return %d; }\n", i, i);
    std::fclose(file);
  }
  const std::string commit = " && git -c user.name=b -c user.email=b@x commit -q -m ";
  run_command("cd " + work + " && git add -A" + commit + "base");
  for (int i = 0; i < tasks; ++i) {
    std::string name = "t-bench" + std::to_string(i);
    run_command("cd " + work + " && git checkout -q -B corral/" + name + " main && echo " + std::to_string(i) +
                " > task" + std::to_string(i) + ".txt && git add -A" + commit + "'task " + std::to_string(i) +
                "' -m 'Corral-Task: " + name + "'");
  }
  run_command("cd " + work + " && git checkout -q main");
}

// Registers `upstream` (a bare clone of the history) and stores each task as
// an approved run in state merging; the repository's id.
inline std::string store_approved_tasks(store::Store& db, const DataLayout& layout, const std::string& upstream,
                                        int tasks) {
  std::string base = run_command("git -C " + upstream + " rev-parse main");
  auto repo = db.with([&](store::Transaction& store) {
    return store.records.ensure_repo(upstream, [&](const std::string& id) { return layout.mirror(id); });
  });
  must(repo.is_ok(), "repository");
  must(git::sync_mirror(upstream, repo->mirror_path).is_ok(), "mirror");
  run_command("git -C " + repo->mirror_path + " fetch -q " + upstream + " 'refs/heads/corral/*:refs/heads/corral/*'");
  for (int i = 0; i < tasks; ++i) {
    std::string id = "t-bench" + std::to_string(i);
    std::string head = run_command("git -C " + upstream + " rev-parse corral/" + id);
    Status stored = db.with([&](store::Transaction& store) -> Status {
      store::NewTask task;
      task.id = id;
      task.repo_id = repo->id;
      task.prompt = "task " + std::to_string(i);
      task.agent = "bench";
      auto submitted = store.queue.submit({task});
      if (!submitted.is_ok()) return submitted.status();
      store::RunRecord record{"r-bench" + std::to_string(i), id, store::state::kRunning, base, "", {}, "", "", {}};
      CORRAL_RETURN_IF_ERROR(store.records.insert_run(record));
      record.state = store::state::kSucceeded;
      record.head_commit = head;
      record.exit_code = 0;
      CORRAL_RETURN_IF_ERROR(store.records.finish_run(record));
      CORRAL_RETURN_IF_ERROR(store.reviews.put({id, record.id, "hash", base, head, "pass", 0, "[]", ""}));
      // Along the life a task takes: run, succeeded, proposed with no approval needed.
      CORRAL_RETURN_IF_ERROR(store.queue.transition(id, {store::TaskState::kQueued}, store::TaskState::kRunning, ""));
      CORRAL_RETURN_IF_ERROR(
          store.queue.transition(id, {store::TaskState::kRunning}, store::TaskState::kSucceeded, ""));
      return store.queue.transition(id, {store::TaskState::kSucceeded}, store::TaskState::kMerging, "");
    });
    must(stored.is_ok(), "task records: " + stored.to_string());
  }
  return repo->id;
}

// Runs the commit step until every queue is empty (each task merged once).
inline void merge_all(merge::CommitStep& commit_step) {
  for (;;) {
    auto worked = commit_step.work_once();
    must(worked.is_ok(), "merging: " + (worked.is_ok() ? std::string() : worked.status().to_string()));
    if (!*worked) return;
  }
}

}  // namespace corral::bench
