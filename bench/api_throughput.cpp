// The daemon under load, in one run:
//   - 10,000 task submissions through the HTTP API (unix socket) from 50
//     concurrent clients: submissions per second, p50 and p99 latency;
//   - scheduling decisions per second with 10,000 queued tasks and 100
//     running: the store query plus scheduler::schedule(), per pass;
//   - the daemon's resident memory per queued task.
// The daemon runs with --max-running 0, so nothing starts while it is measured.
//
// Usage: bench_api_throughput [TASKS=10000] [CLIENTS=50]   (as root)
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/clock.h"
#include "cli/api_client.h"
#include "scheduler/decisions.h"
#include "store/task_queue.h"

namespace {

using Clock = std::chrono::steady_clock;
using corral::cli::ApiClient;

long rss_kib(pid_t pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string key;
  long value = 0;
  while (status >> key) {
    if (key == "VmRSS:") {
      status >> value;
      return value;
    }
  }
  return -1;
}

double percentile(std::vector<double> values, double p) {
  std::sort(values.begin(), values.end());
  return values[static_cast<size_t>(p * static_cast<double>(values.size() - 1) + 0.5)];
}

void must(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "bench: %s failed\n", what);
    std::exit(1);
  }
}

}  // namespace

int main(int argc, char** argv) {
  int total = argc > 1 ? std::atoi(argv[1]) : 10000;
  int clients = argc > 2 ? std::atoi(argv[2]) : 50;
  char pattern[] = "/tmp/corral-bench-XXXXXX";
  std::string dir = ::mkdtemp(pattern);
  std::string data = dir + "/data";
  std::string repo = dir + "/repo";
  must(std::system(("git init -q -b main " + repo + " && cd " + repo +
                    " && echo x > x && git add x && git -c user.name=b -c user.email=b@b commit -qm x").c_str()) == 0,
       "making a repository");
  std::string corral = std::string(CORRAL_BINARY_DIR) + "/corral";
  pid_t daemon = ::fork();
  if (daemon == 0) {
    std::freopen((dir + "/serve.log").c_str(), "w", stdout);
    ::execl(corral.c_str(), corral.c_str(), "--data-dir", data.c_str(), "serve", "--max-running", "0",
            static_cast<char*>(nullptr));
    ::_exit(127);
  }
  ApiClient client("unix:" + data + "/corral.sock", "");
  for (int i = 0; i < 100 && !client.call("GET", "/v1/repos").is_ok(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  must(client.call("POST", "/v1/repos", nlohmann::json{{"path", repo}}.dump()).is_ok(), "repo add");
  long rss_before = rss_kib(daemon);

  std::vector<std::vector<double>> latencies(clients);
  std::atomic<int> next{0};
  auto started = Clock::now();
  std::vector<std::thread> threads;
  for (int c = 0; c < clients; ++c) {
    threads.emplace_back([&, c] {
      for (int i; (i = next++) < total;) {
        std::string body = nlohmann::json{{"repo", repo}, {"agent", "true"}, {"prompt", "task " + std::to_string(i)},
                                          {"idempotency_key", "bench-" + std::to_string(i)}}
                               .dump();
        auto start = Clock::now();
        must(client.call("POST", "/v1/tasks", body).is_ok(), "submit");
        latencies[c].push_back(std::chrono::duration<double, std::milli>(Clock::now() - start).count());
      }
    });
  }
  for (auto& thread : threads) thread.join();
  double seconds = std::chrono::duration<double>(Clock::now() - started).count();
  long rss_after = rss_kib(daemon);
  std::vector<double> all;
  for (const auto& per_client : latencies) all.insert(all.end(), per_client.begin(), per_client.end());

  std::printf("submissions: %d tasks from %d concurrent clients over the unix socket in %.2f s\n", total, clients, seconds);
  std::printf("  %.0f submissions/s, latency p50 %.2f ms, p99 %.2f ms\n", total / seconds, percentile(all, 0.5),
              percentile(all, 0.99));
  std::printf("daemon resident memory: %ld KiB before, %ld KiB after: %.2f KiB per queued task\n", rss_before, rss_after,
              static_cast<double>(rss_after - rss_before) / total);

  // Scheduling: the store query and the decision, as the daemon's tick does, with 100 of them running.
  ::kill(daemon, SIGTERM);
  ::waitpid(daemon, nullptr, 0);
  corral::SystemClock clock;
  auto db = corral::store::Database::open(data + "/corral.db");
  must(db.is_ok(), "opening the database");
  corral::store::TaskQueue queue(**db, clock);
  auto query_start = Clock::now();
  auto tasks = queue.schedulable();
  double query_ms = std::chrono::duration<double, std::milli>(Clock::now() - query_start).count();
  must(tasks.is_ok(), "schedulable");
  std::vector<corral::scheduler::TaskView> views;
  int i = 0;
  for (const auto& task : *tasks) {
    auto state = i++ < 100 ? corral::store::TaskState::kRunning : corral::store::TaskState::kQueued;
    views.push_back({task.id, "repo-" + std::to_string(i % 50), "agent-" + std::to_string(i % 3), task.priority, task.seq,
                     state, task.parents});
  }
  constexpr int kPasses = 20;
  size_t decisions = 0;
  auto schedule_start = Clock::now();
  for (int pass = 0; pass < kPasses; ++pass) decisions += corral::scheduler::schedule(views, {150, 4, 100}).size();
  double schedule_s = std::chrono::duration<double>(Clock::now() - schedule_start).count() / kPasses;
  std::printf("scheduling with %zu queued/running tasks (100 running): store query %.1f ms, decision pass %.2f ms\n",
              views.size(), query_ms, schedule_s * 1e3);
  std::printf("  %.0f decisions/s (a pass decides %zu starts); %.0f tasks considered/s\n",
              static_cast<double>(decisions / kPasses) / (schedule_s + query_ms / 1e3), decisions / kPasses,
              static_cast<double>(views.size()) / (schedule_s + query_ms / 1e3));
  std::filesystem::remove_all(dir);
  return 0;
}
