// The merge queue's speculative checks against merging one task at a time,
// in one run: TASKS approved one-file tasks wait in one queue, and the
// repository's check command (sleep CHECK seconds, in a runc sandbox on the
// merged result) must pass before each lands on main of a bare upstream.
//
//   serial   merge_queue_depth 1: each task rebased on the tip, checked,
//            landed, then the next (how the commit step merged before)
//   queue    merge_queue_depth N: the first N tasks each put on top of those
//            ahead and checked at once; each lands when its check passed
//
// Prints, for each depth, merges per minute and the delay from approval to
// merge (every task is approved when the run starts), and the ratios to the
// serial run; also the bound no serial merge can beat (TASKS x CHECK).
// With `busy`, the check is a fixed amount of CPU work instead of a sleep
// (hashing 320 MB per second asked, about that long on one core of this
// machine): the checks then share the machine's cores.
// Usage: bench_merge_queue [TASKS=100] [CHECK_SECONDS=2] [DEPTHS=1,2,4,8] [sleep|busy]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "bench/approved_tasks.h"
#include "core/clock.h"
#include "merge/commit_step.h"
#include "scheduler/backends.h"

namespace {

using corral::bench::must;
using corral::bench::percentile;
using namespace corral;
namespace fs = std::filesystem;
using Steady = std::chrono::steady_clock;

struct Measured {
  int depth = 0;
  double total_s = 0;
  std::vector<double> delay_s;  // approval (the start) to merge, per task
  double per_minute() const { return static_cast<double>(delay_s.size()) / total_s * 60; }
};

Measured measure(const fs::path& dir, const std::string& work, int tasks, const std::string& check, int depth) {
  fs::path here = dir / ("depth-" + std::to_string(depth));
  std::string upstream = (here / "upstream.git").string();
  bench::run_command("git clone -q --bare " + work + " " + upstream);
  DataLayout layout((here / "data").string());
  must(layout.create_directories(), "data directory");
  SystemClock clock;
  auto opened = store::Store::open(layout.database(), clock);
  must(opened.is_ok(), "database");
  store::Store& db = **opened;
  std::string repo_id = bench::store_approved_tasks(db, layout, upstream, tasks);
  nlohmann::json settings = {{"check_command", check}, {"merge_queue_depth", depth}};
  must(db.with([&](store::Transaction& tx) { return tx.records.set_repo_settings(repo_id, settings.dump()); }).is_ok(),
       "settings");
  auto backend = scheduler::backend_for_run(layout, "runc", "");
  must(backend.is_ok(), "the runc backend");
  merge::MergerOptions options;
  options.supervisor_path = std::string(CORRAL_BINARY_DIR) + "/corral-supervisor";
  merge::CommitStep commit_step(db, layout, **backend, options);

  Measured measured;
  measured.depth = depth;
  auto start = Steady::now();
  db.add_event_listener([&](const store::StoredEvent& stored) {
    if (stored.event.type == "merge.completed")
      measured.delay_s.push_back(std::chrono::duration<double>(Steady::now() - start).count());
  });
  bench::merge_all(commit_step);
  measured.total_s = std::chrono::duration<double>(Steady::now() - start).count();
  must(measured.delay_s.size() == static_cast<size_t>(tasks), "every task merged");
  must(bench::run_command("git -C " + upstream + " rev-list --count main") == std::to_string(tasks + 1),
       "every task on main once");
  return measured;
}

}  // namespace

int main(int argc, char** argv) {
  int tasks = argc > 1 ? std::atoi(argv[1]) : 100;
  int check_seconds = argc > 2 ? std::atoi(argv[2]) : 2;
  std::vector<int> depths;
  std::istringstream listed(argc > 3 ? argv[3] : "1,2,4,8");
  for (std::string depth; std::getline(listed, depth, ',');) depths.push_back(std::atoi(depth.c_str()));
  bool busy = argc > 4 && std::string(argv[4]) == "busy";
  must(tasks > 0 && check_seconds >= 0 && !depths.empty() && depths.front() == 1, "arguments (depths start at 1)");
  std::string seconds = std::to_string(check_seconds);
  std::string check =
      busy ? "head -c " + std::to_string(320 * check_seconds) + "M /dev/zero | sha256sum" : "sleep " + seconds;
  fs::path dir = fs::temp_directory_path() / ("corral-bench-queue-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  std::string work = (dir / "work").string();
  bench::make_task_history(work, tasks, 200);
  std::printf("%d approved one-file tasks, a %d s check command (%s) in a runc sandbox on each merged result\n", tasks,
              check_seconds, busy ? "a fixed amount of CPU work" : "sleeping");
  std::vector<Measured> runs;
  for (int depth : depths) {
    runs.push_back(measure(dir, work, tasks, check, depth));
    const Measured& m = runs.back();
    std::printf("depth %2d  %6.1f merges/min  approval to merge p50 %6.1f s  p90 %6.1f s  (total %.1f s)\n", depth,
                m.per_minute(), percentile(m.delay_s, 0.5), percentile(m.delay_s, 0.9), m.total_s);
    std::fflush(stdout);
  }
  const Measured& serial = runs.front();
  for (const Measured& m : runs) {
    std::printf("ratio depth %d / serial: throughput %.2fx, p50 delay %.2fx\n", m.depth,
                m.per_minute() / serial.per_minute(), percentile(m.delay_s, 0.5) / percentile(serial.delay_s, 0.5));
  }
  if (check_seconds > 0)
    std::printf("bound for any serial merge: %.1f merges/min (the check alone, back to back)\n", 60.0 / check_seconds);
  fs::remove_all(dir);
  return 0;
}
