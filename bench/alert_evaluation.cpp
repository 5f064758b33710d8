// What the alert rules cost against event ingest, in one run, on one real
// SQLite file:
//   ingest   N events appended one at a time, as runs record them (the plain
//            path: store::StoreSink, one lock and one insert each)
//   evaluate the alert watcher reading the same N events after the fact
//            (rules, the chain re-hashed, cursor), in its batches
//   live     a second store fed at RATE events/s for SECONDS while the
//            watcher runs beside it, woken by the appends: each thread's CPU
//            time (the watcher's includes its sweep re-hashing the log), and
//            how far behind the watcher is when the feed stops
// The events are a run's usual mix (output, tool calls, a refusal, egress,
// model calls, a proposal, the task's states). Target: evaluation under 5%
// of ingest at 10,000 events/s.
// Usage: bench_alert_evaluation [N=100000] [RATE=10000] [SECONDS=5]
#include <pthread.h>
#include <time.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "alerts/watcher.h"
#include "bench/bench_support.h"
#include "store/store.h"

namespace {

using namespace corral;
using Steady = std::chrono::steady_clock;
namespace fs = std::filesystem;

double thread_cpu_seconds() {
  timespec now{};
  ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
  return static_cast<double>(now.tv_sec) + static_cast<double>(now.tv_nsec) / 1e9;
}

double seconds_since(Steady::time_point start) { return std::chrono::duration<double>(Steady::now() - start).count(); }

// The i-th event of a stream of 25-event runs.
Event event_at(int64_t i, const std::string& repo) {
  int64_t run = i / 25;
  std::string task = "task-" + std::to_string(run), run_id = "run-" + std::to_string(run);
  static const char* kMix[] = {"task.queued",  "task.routed",  "task.started", "sandbox.created", "agent.output",
                               "agent.output", "tool.invoked", "agent.output", "tool.invoked",    "llm.call",
                               "agent.output", "tool.invoked", "agent.output", "tool.blocked",    "egress.allowed",
                               "agent.output", "llm.call",     "agent.output", "tool.invoked",    "agent.output",
                               "agent.output", "llm.call",     "agent.output", "diff.proposed",   "task.finished"};
  std::string type = kMix[i % 25];
  std::string payload = "{}";
  if (type == "agent.output") payload = R"({"stream":"stdout","text":"compiling src/module.cc ... ok\n"})";
  if (type == "tool.invoked") payload = R"({"tool":"Edit","arguments":{"file_path":"src/module.cc"}})";
  if (type == "tool.blocked") payload = R"({"tool":"Bash","rule":"command","reason":"curl is not allowed"})";
  if (type == "egress.allowed") payload = R"({"host":"pypi.org","port":443,"method":"CONNECT"})";
  if (type == "llm.call") payload = R"({"model":"m","input_tokens":1200,"output_tokens":300,"status":200,"ms":900})";
  if (type == "diff.proposed")
    payload = R"({"changed":true,"stats":{"files":[{"path":"src/module.cc","status":"M","ranges":[[10,4]]}]}})";
  return {type, task, run_id, repo, "claude", run_id, payload};
}

std::unique_ptr<store::Store> open_store(const fs::path& dir, const Clock& clock, std::string& repo) {
  auto store = store::Store::open(dir / "corral.db", clock);
  bench::must(store.is_ok(), "opening the store");
  repo = (*store)->with([&](store::Transaction& tx) {
    return tx.records.ensure_repo("/src/bench", [](const std::string& id) { return "/m/" + id; })->id;
  });
  return std::move(*store);
}

}  // namespace

int main(int argc, char** argv) {
  int64_t count = argc > 1 ? std::atoll(argv[1]) : 100000;
  int rate = argc > 2 ? std::atoi(argv[2]) : 10000;
  int seconds = argc > 3 ? std::atoi(argv[3]) : 5;
  fs::path dir = fs::temp_directory_path() / ("corral-bench-alerts-" + std::to_string(::getpid()));
  fs::create_directories(dir / "a");
  fs::create_directories(dir / "b");
  SystemClock clock;

  // Ingest, then evaluate the same events.
  std::string repo;
  auto store = open_store(dir / "a", clock, repo);
  store::StoreSink sink(*store);
  alerts::AlertWatcher watcher(*store, nullptr);  // made first: it starts at the log's end
  auto start = Steady::now();
  for (int64_t i = 0; i < count; ++i) bench::must(sink.record(event_at(i, repo)).is_ok(), "recording an event");
  double ingest = seconds_since(start);
  start = Steady::now();
  int64_t reread = 0;
  for (int64_t after = 0;;) {
    auto batch = store->with([&](store::Transaction& tx) { return tx.events.after(after, {}, 500); });
    bench::must(batch.is_ok(), "reading events");
    if (batch->empty()) break;
    after = batch->back().seq;
    reread += static_cast<int64_t>(batch->size());
  }
  double reading = seconds_since(start);
  start = Steady::now();
  int64_t read = 0;
  for (;;) {
    auto batch = watcher.pass();
    bench::must(batch.is_ok(), "an alert pass");
    if (*batch == 0) break;
    read += *batch;
  }
  double evaluate = seconds_since(start);
  bench::must(read == count, "reading every event");
  std::printf("events                 %lld\n", static_cast<long long>(count));
  std::printf("ingest                 %.3f s  (%.0f events/s, %.1f us each)\n", ingest,
              static_cast<double>(count) / ingest, ingest / static_cast<double>(count) * 1e6);
  std::printf("alert evaluation       %.3f s  (%.0f events/s, %.1f us each)\n", evaluate,
              static_cast<double>(count) / evaluate, evaluate / static_cast<double>(count) * 1e6);
  std::printf("  of which reading     %.3f s  (%lld events read back in batches of 500)\n", reading,
              static_cast<long long>(reread));
  std::printf("evaluation / ingest    %.1f%%\n", 100.0 * evaluate / ingest);

  // Live: a paced feed with the watcher beside it.
  std::string live_repo;
  auto live = open_store(dir / "b", clock, live_repo);
  alerts::AlertWatcher beside(*live, nullptr);
  std::atomic<bool> stop{false};
  double watcher_cpu = 0;
  std::thread watching([&] {
    double cpu = thread_cpu_seconds();
    beside.run(stop);
    watcher_cpu = thread_cpu_seconds() - cpu;
  });
  store::StoreSink live_sink(*live);
  int64_t total = int64_t{rate} * seconds;
  double feed_cpu = thread_cpu_seconds();
  start = Steady::now();
  for (int64_t i = 0; i < total; ++i) {
    auto due = start + std::chrono::nanoseconds(i * 1'000'000'000LL / rate);
    if (Steady::now() < due) std::this_thread::sleep_until(due);
    bench::must(live_sink.record(event_at(i, live_repo)).is_ok(), "recording an event");
  }
  double fed = seconds_since(start);
  feed_cpu = thread_cpu_seconds() - feed_cpu;
  auto cursor = live->with([](store::Transaction& tx) { return tx.alerts.cursor(); });
  int64_t behind = total - cursor->seq;
  auto caught_up = Steady::now();
  while (live->with([](store::Transaction& tx) { return tx.alerts.cursor(); })->seq < total &&
         seconds_since(caught_up) < 30)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  double catch_up = seconds_since(caught_up);
  stop = true;
  beside.wake();
  watching.join();
  std::printf("live feed              %lld events in %.2f s (%.0f events/s asked)\n", static_cast<long long>(total),
              fed, static_cast<double>(rate));
  std::printf("  feed CPU             %.3f s\n", feed_cpu);
  std::printf("  watcher CPU          %.3f s\n", watcher_cpu);
  std::printf("  watcher / feed CPU   %.1f%%\n", 100.0 * watcher_cpu / feed_cpu);
  std::printf("  behind at the end    %lld events, caught up %.0f ms later\n", static_cast<long long>(behind),
              catch_up * 1000);
  fs::remove_all(dir);
  return 0;
}
