// The daemon under load, in one run:
//   - 10,000 task submissions through the HTTP API (unix socket) from 50
//     concurrent clients: submissions per second, p50 and p99 latency;
//   - a scheduling pass with 10,000 queued tasks and 100 running (the
//     store's snapshot plus scheduler::schedule()) against reading the whole
//     queue as passes did before;
//   - the daemon's resident memory per queued task.
//   - reads over one kept-alive connection against a new connection per
//     request (libcurl, unix socket);
//   - the idle daemon with the queue full: its CPU over 10 s, and the p50/p99
//     of /v1/health and of a one-task page;
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
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <curl/curl.h>
#include <nlohmann/json.hpp>

#include "bench/bench_daemon.h"
#include "bench/bench_support.h"
#include "cli/api_client.h"
#include "core/clock.h"
#include "scheduler/decisions.h"
#include "store/task_queue.h"

namespace {

using corral::bench::discard;
using corral::bench::must;
using corral::bench::percentile;

using Clock = std::chrono::steady_clock;
using corral::cli::ApiClient;

// The daemon's CPU time in clock ticks (user + system).
long cpu_ticks(pid_t pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(stat)), {});
  std::istringstream fields(text.substr(text.rfind(')') + 2));  // after "pid (comm) "
  std::string field;
  long ticks = 0;
  for (int i = 3; fields >> field && i <= 15; ++i) {
    if (i == 14 || i == 15) ticks += std::stol(field);
  }
  return ticks;
}

// With the queue full and nothing allowed to start: what the idle daemon
// costs (CPU over 10 s) and how fast it answers (1,000 requests each of
// /v1/health and a one-task page, one kept connection).
void idle_with_a_full_queue(pid_t daemon, const std::string& socket, int queued) {
  long before = cpu_ticks(daemon);
  std::this_thread::sleep_for(std::chrono::seconds(10));
  double share = static_cast<double>(cpu_ticks(daemon) - before) / static_cast<double>(::sysconf(_SC_CLK_TCK)) / 10;
  std::printf("idle with %d tasks queued: %.2f%% of a core over 10 s\n", queued, share * 100);
  CURL* curl = curl_easy_init();
  curl_easy_setopt(curl, CURLOPT_UNIX_SOCKET_PATH, socket.c_str());
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, discard);
  for (const char* target : {"http://corral/v1/health", "http://corral/v1/tasks?limit=1"}) {
    std::vector<double> ms;
    curl_easy_setopt(curl, CURLOPT_URL, target);
    for (int i = 0; i < 1000; ++i) {
      auto start = Clock::now();
      must(curl_easy_perform(curl) == CURLE_OK, "a read");
      ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - start).count());
    }
    std::printf("  %-32s p50 %.3f ms, p99 %.3f ms\n", target + 13, percentile(ms, 0.5), percentile(ms, 0.99));
  }
  curl_easy_cleanup(curl);
}

// `requests` reads of one task (GET /v1/tasks?limit=1) over the unix socket,
// on one kept-alive connection and on a new connection each, alternating in
// blocks of 100: requests per second and latency of each.
void compare_connections(const std::string& socket, int requests) {
  std::vector<double> kept_ms, fresh_ms;
  double kept_s = 0, fresh_s = 0;
  CURL* kept = curl_easy_init();
  for (int block = 0; block < requests / 100; ++block) {
    for (bool reuse : {true, false}) {
      CURL* curl = reuse ? kept : curl_easy_init();
      auto block_start = Clock::now();
      for (int i = 0; i < 100; ++i) {
        curl_easy_setopt(curl, CURLOPT_UNIX_SOCKET_PATH, socket.c_str());
        curl_easy_setopt(curl, CURLOPT_URL, "http://corral/v1/tasks?limit=1");
        curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, discard);
        curl_easy_setopt(curl, CURLOPT_FORBID_REUSE, reuse ? 0L : 1L);
        auto start = Clock::now();
        must(curl_easy_perform(curl) == CURLE_OK, "a read");
        (reuse ? kept_ms : fresh_ms).push_back(std::chrono::duration<double, std::milli>(Clock::now() - start).count());
      }
      (reuse ? kept_s : fresh_s) += std::chrono::duration<double>(Clock::now() - block_start).count();
      if (!reuse) curl_easy_cleanup(curl);
    }
  }
  curl_easy_cleanup(kept);
  std::printf("reads (GET /v1/tasks?limit=1), %zu each, one client:\n", kept_ms.size());
  std::printf("  one kept-alive connection: %.0f requests/s, p50 %.3f ms, p99 %.3f ms\n", kept_ms.size() / kept_s,
              percentile(kept_ms, 0.5), percentile(kept_ms, 0.99));
  std::printf("  a new connection each:    %.0f requests/s, p50 %.3f ms, p99 %.3f ms\n", fresh_ms.size() / fresh_s,
              percentile(fresh_ms, 0.5), percentile(fresh_ms, 0.99));
  std::printf("  keep-alive / new connection: %.2fx the throughput\n",
              (kept_ms.size() / kept_s) / (fresh_ms.size() / fresh_s));
}

}  // namespace

int main(int argc, char** argv) {
  int total = argc > 1 ? std::atoi(argv[1]) : 10000;
  int clients = argc > 2 ? std::atoi(argv[2]) : 50;
  char pattern[] = "/tmp/corral-bench-XXXXXX";
  std::string dir = ::mkdtemp(pattern);
  std::string data = dir + "/data";
  std::string repo = dir + "/repo";
  corral::bench::make_repository(repo);
  std::string corral = std::string(CORRAL_BINARY_DIR) + "/corral";
  auto daemon =
      std::make_unique<corral::bench::BenchDaemon>(corral, dir, std::vector<std::string>{"--max-running", "0"});
  ApiClient client = daemon->client();
  must(client.call("POST", "/v1/repos", nlohmann::json{{"path", repo}}.dump()).is_ok(), "repo add");
  long rss_before = daemon->rss_kib();

  std::vector<std::vector<double>> latencies(clients);
  std::atomic<int> next{0};
  auto started = Clock::now();
  std::vector<std::thread> threads;
  for (int c = 0; c < clients; ++c) {
    threads.emplace_back([&, c] {
      for (int i; (i = next++) < total;) {
        std::string body = nlohmann::json{{"repo", repo},
                                          {"agent", "true"},
                                          {"prompt", "task " + std::to_string(i)},
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
  long rss_after = daemon->rss_kib();
  std::vector<double> all;
  for (const auto& per_client : latencies) all.insert(all.end(), per_client.begin(), per_client.end());

  std::printf("submissions: %d tasks from %d concurrent clients over the unix socket in %.2f s\n", total, clients,
              seconds);
  std::printf("  %.0f submissions/s, latency p50 %.2f ms, p99 %.2f ms\n", total / seconds, percentile(all, 0.5),
              percentile(all, 0.99));
  std::printf("daemon resident memory: %ld KiB before, %ld KiB after: %.2f KiB per queued task\n", rss_before,
              rss_after, static_cast<double>(rss_after - rss_before) / total);

  compare_connections(data + "/corral.sock", 2000);
  idle_with_a_full_queue(daemon->pid(), data + "/corral.sock", total);

  // Scheduling: the store query and the decision, as the daemon's tick does, with 100 of them running.
  daemon.reset();  // stopped: the database is read directly below
  corral::SystemClock clock;
  auto db = corral::store::Database::open(data + "/corral.db");
  must(db.is_ok(), "opening the database");
  corral::store::TaskQueue queue(**db, clock);
  auto listed = queue.list({"", corral::store::TaskState::kQueued, 100});
  must(listed.is_ok(), "listing");
  for (const auto& task : *listed) {
    must(queue.transition(task.id, {corral::store::TaskState::kQueued}, corral::store::TaskState::kRunning, "").is_ok(),
         "marking a task running");
  }
  // What a pass read before: every queued and running task, prompts included.
  auto whole_start = Clock::now();
  auto whole = queue.list({"", std::nullopt, 1 << 30});
  double whole_ms = std::chrono::duration<double, std::milli>(Clock::now() - whole_start).count();
  must(whole.is_ok(), "reading the whole queue");
  // What a pass reads now: the running tasks, the room they leave, a page of candidates.
  constexpr int kPasses = 20;
  // The repository at its cap (nothing to start), then with room for 50 more.
  for (corral::scheduler::Caps caps : {corral::scheduler::Caps{150, 4, 100}, corral::scheduler::Caps{150, 150, 150}}) {
    size_t decisions = 0, read = 0;
    auto pass_start = Clock::now();
    for (int pass = 0; pass < kPasses; ++pass) {
      auto running = queue.running_tasks();
      must(running.is_ok(), "running tasks");
      auto views_of = [](const std::vector<corral::store::TaskSummary>& tasks) {
        std::vector<corral::scheduler::TaskView> views;
        for (const auto& t : tasks) views.push_back({t.id, t.repo_id, t.agent, t.priority, t.seq, t.state, t.parents});
        return views;
      };
      auto room = corral::scheduler::room_left(views_of(*running), caps);
      auto snapshot = queue.scheduling_snapshot({room.full_repos, room.full_agents, {}, room.global > 0 ? 64 : 0});
      must(snapshot.is_ok(), "scheduling snapshot");
      read = snapshot->size();
      decisions += corral::scheduler::schedule(views_of(*snapshot), caps).size();
    }
    double pass_ms = std::chrono::duration<double, std::milli>(Clock::now() - pass_start).count() / kPasses;
    std::printf(
        "a scheduling pass with %zu tasks queued or running (100 running): %.2f ms (reads %zu tasks, decides %zu "
        "starts); reading the whole queue as passes did before: %.1f ms (%.0fx)\n",
        whole->size(), pass_ms, read, decisions / kPasses, whole_ms, whole_ms / pass_ms);
  }
  std::filesystem::remove_all(dir);
  return 0;
}
