// The commit step's merge path against the git CLI doing the same, in one run:
// N small approved tasks (one new file each, all built on the same base) are
// merged one after another into main of a bare upstream repository.
//
//   corral   the merge queue, one task at a time: fetch the upstream branch, rebase the
//            task's commit on its tip, re-check the diff (the tip moved),
//            intent log, compare-and-swap of corral's record, publish without
//            force, bookkeeping in SQLite with events. No check command.
//   git CLI  per task, in a clone: git fetch, git rebase onto origin/main,
//            git merge --ff-only, git push.
//
// Prints merges per second and p50/p90 of one merge, and the ratios.
// Usage: bench_merge_throughput [TASKS=100] [FILES=200]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "bench/approved_tasks.h"
#include "core/clock.h"
#include "core/data_layout.h"
#include "git/mirror.h"
#include "merge/commit_step.h"
#include "scheduler/backends.h"
#include "store/store.h"

namespace {

using corral::bench::must;
constexpr auto& run = corral::bench::run_command;
using corral::bench::percentile;

namespace fs = std::filesystem;
using Steady = std::chrono::steady_clock;
using namespace corral;

struct Measured {
  std::vector<double> merge_ms;
  double total_s = 0;
};

void make_history(const fs::path& dir, int tasks, int files) {
  std::string work = (dir / "work").string();
  bench::make_task_history(work, tasks, files);
  run("git clone -q --bare " + work + " " + (dir / "corral-upstream.git").string());
  run("git clone -q --bare " + work + " " + (dir / "git-upstream.git").string());
}

Measured measure_corral(const fs::path& dir, int tasks) {
  DataLayout layout((dir / "data").string());
  must(layout.create_directories(), "data directory");
  SystemClock clock;
  auto opened = store::Store::open(layout.database(), clock);
  must(opened.is_ok(), "database");
  store::Store& db = **opened;
  std::string upstream = (dir / "corral-upstream.git").string();
  bench::store_approved_tasks(db, layout, upstream, tasks);
  auto backend = scheduler::backend_for_run(layout, "runc", "");  // unused: no check command
  must(backend.is_ok(), "backend");
  merge::CommitStep commit_step(db, layout, **backend, {});
  Measured measured;
  auto start = Steady::now();
  auto last = start;
  // The queue merges one task after another: one merge is the time from the last one's end.
  db.add_event_listener([&](const store::StoredEvent& stored) {
    if (stored.event.type != "merge.completed") return;
    auto now = Steady::now();
    measured.merge_ms.push_back(std::chrono::duration<double, std::milli>(now - last).count());
    last = now;
  });
  bench::merge_all(commit_step);
  measured.total_s = std::chrono::duration<double>(Steady::now() - start).count();
  must(measured.merge_ms.size() == static_cast<size_t>(tasks), "every task merged");
  must(run("git -C " + upstream + " rev-list --count main") == std::to_string(tasks + 1), "every task on main");
  return measured;
}

Measured measure_git(const fs::path& dir, int tasks) {
  std::string upstream = (dir / "git-upstream.git").string();
  std::string clone = (dir / "git-clone").string();
  run("git clone -q " + upstream + " " + clone);
  const std::string in = "cd " + clone + " && ";
  Measured measured;
  auto start = Steady::now();
  for (int i = 0; i < tasks; ++i) {
    std::string branch = "corral/t-bench" + std::to_string(i);
    auto t0 = Steady::now();
    run(in + "git fetch -q origin main");
    run(in + "git checkout -q -B work origin/" + branch +
        " && git -c user.name=b -c user.email=b@x rebase -q origin/main");
    run(in + "git checkout -q main && git merge -q --ff-only work && git push -q origin main");
    measured.merge_ms.push_back(std::chrono::duration<double, std::milli>(Steady::now() - t0).count());
  }
  measured.total_s = std::chrono::duration<double>(Steady::now() - start).count();
  must(run("git -C " + upstream + " rev-list --count main") == std::to_string(tasks + 1), "every task on main (git)");
  return measured;
}

void print(const char* name, const Measured& m, int tasks) {
  std::printf("%-8s %7.1f merges/s   one merge p50 %7.2f ms  p90 %7.2f ms  (total %.2f s)\n", name, tasks / m.total_s,
              percentile(m.merge_ms, 0.5), percentile(m.merge_ms, 0.9), m.total_s);
}

}  // namespace

int main(int argc, char** argv) {
  int tasks = argc > 1 ? std::atoi(argv[1]) : 100;
  int files = argc > 2 ? std::atoi(argv[2]) : 200;
  must(tasks > 0 && files > 0, "arguments");
  fs::path dir = fs::temp_directory_path() / ("corral-bench-merge-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  make_history(dir, tasks, files);
  std::printf("%d approved one-file tasks merged one by one into main of a %d-file repository\n", tasks, files);
  Measured git_cli = measure_git(dir, tasks);
  Measured corral_merge = measure_corral(dir, tasks);
  print("corral", corral_merge, tasks);
  print("git CLI", git_cli, tasks);
  std::printf("ratio corral/git: throughput %.2fx, p50 %.2fx, p90 %.2fx\n", git_cli.total_s / corral_merge.total_s,
              percentile(corral_merge.merge_ms, 0.5) / percentile(git_cli.merge_ms, 0.5),
              percentile(corral_merge.merge_ms, 0.9) / percentile(git_cli.merge_ms, 0.9));
  fs::remove_all(dir);
  return 0;
}
