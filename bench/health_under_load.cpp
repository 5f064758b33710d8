// /v1/health on a loaded daemon against the same daemon idle, in one run
// (issue 12's target: p99 under 50 ms loaded). The load:
//   - four clients fetching, over and over, the review of a task whose agent
//     wrote FILES files (the largest page: 10,000 files, 16 MiB of patch);
//   - 100 clients that each ask for a page of 100 tasks with 60 KB prompts
//     (~6 MB) and never read the answer.
// A health check is a new connection each (as a monitoring probe makes),
// every 10 ms; under load, CHECKS of them and on until each fetcher has had
// two answers.
//
// Usage: bench_health_under_load [FILES=100000] [CHECKS=500]   (as root: runs use runc)
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include <curl/curl.h>
#include <nlohmann/json.hpp>

#include "bench/bench_daemon.h"
#include "bench/bench_support.h"
#include "cli/api_client.h"

namespace {

using corral::bench::BenchDaemon;
using corral::bench::discard;
using corral::bench::must;
using corral::bench::percentile;

using Clock = std::chrono::steady_clock;

// `checks` health checks, each on a new connection, 10 ms apart: milliseconds each.
std::vector<double> health_checks(const std::string& socket, int checks) {
  std::vector<double> ms;
  for (int i = 0; i < checks; ++i) {
    CURL* curl = curl_easy_init();
    curl_easy_setopt(curl, CURLOPT_UNIX_SOCKET_PATH, socket.c_str());
    curl_easy_setopt(curl, CURLOPT_URL, "http://corral/v1/health");
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, discard);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT, 60L);
    auto start = Clock::now();
    CURLcode result = curl_easy_perform(curl);
    ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - start).count());
    curl_easy_cleanup(curl);
    must(result == CURLE_OK, "a health check");
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return ms;
}

// Runs an agent that writes `files` files and waits until its change waits
// for review; returns the task's id.
std::string task_in_review(const BenchDaemon& daemon, const std::string& repo, int files) {
  std::string agent = "mkdir many && seq " + std::to_string(files) +
                      " | split -l 1 -a 6 - many/f; true";  // the prompt follows as an argument
  auto created = daemon.client().call("POST", "/v1/tasks",
                                      nlohmann::json{{"repo", repo}, {"agent", agent}, {"prompt", "many"}}.dump());
  must(created.is_ok(), "submitting the large task");
  std::string task = (*created)["id"];
  std::string state;
  for (int i = 0; i < 1200 && state != "review"; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    auto shown = daemon.client().call("GET", "/v1/tasks/" + task);
    state = shown.is_ok() ? (*shown).value("state", "") : "";
    must(state != "failed" && state != "cancelled", "the large task (it ended " + state + ")");
  }
  must(state == "review", "waiting for the large task's review");
  return task;
}

int connect_unix(const std::string& path) {
  int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  std::snprintf(address.sun_path, sizeof address.sun_path, "%s", path.c_str());
  must(::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0, "connecting");
  return fd;
}

void print(const char* what, const std::vector<double>& ms) {
  std::printf("%-62s p50 %7.2f ms  p99 %7.2f ms  max %7.2f ms\n", what, percentile(ms, 0.5), percentile(ms, 0.99),
              *std::max_element(ms.begin(), ms.end()));
}

}  // namespace

int main(int argc, char** argv) {
  int files = argc > 1 ? std::atoi(argv[1]) : 100000;
  int checks = argc > 2 ? std::atoi(argv[2]) : 500;
  char pattern[] = "/tmp/corral-bench-XXXXXX";
  std::string dir = ::mkdtemp(pattern);
  std::string repo = dir + "/repo";
  corral::bench::make_repository(repo);
  std::string corral = std::string(CORRAL_BINARY_DIR) + "/corral";
  std::string task;
  {
    BenchDaemon running(corral, dir, {"--max-running", "1"});
    must(running.client().call("POST", "/v1/repos", nlohmann::json{{"path", repo}}.dump()).is_ok(), "repo add");
    std::printf("setting up: an agent writes %d files...\n", files);
    task = task_in_review(running, repo, files);
  }
  BenchDaemon daemon(corral, dir, {"--max-running", "0"});  // the large pages of tasks below stay queued
  std::string prompt(60000, 'p');
  for (int i = 0; i < 100; ++i) {
    auto submitted = daemon.client().call(
        "POST", "/v1/tasks",
        nlohmann::json{{"repo", repo}, {"agent", "true"}, {"prompt", prompt + std::to_string(i)}}.dump());
    must(submitted.is_ok(), "submitting a queued task");
  }

  auto idle = health_checks(daemon.socket(), checks);

  std::atomic<bool> stop{false};
  std::atomic<int> fetched{0}, refused{0};
  std::vector<std::thread> fetchers;
  for (int i = 0; i < 4; ++i) {
    fetchers.emplace_back([&] {
      while (!stop) {
        auto review = daemon.client().call("GET", "/v1/reviews/" + task + "?files_limit=10000&patch_bytes=16777216");
        ++(review.is_ok() ? fetched : refused);
      }
    });
  }
  std::vector<int> never_read;
  for (int i = 0; i < 100; ++i) {
    int fd = connect_unix(daemon.socket());
    std::string request = "GET /v1/tasks?limit=100 HTTP/1.1\r\nHost: corral\r\n\r\n";
    must(::write(fd, request.data(), request.size()) == static_cast<ssize_t>(request.size()), "asking for tasks");
    never_read.push_back(fd);
  }
  auto started = Clock::now();
  // At least `checks`, and on until each fetcher has had two answers.
  std::vector<double> loaded;
  while (static_cast<int>(loaded.size()) < checks || fetched + refused < 8) {
    auto more = health_checks(daemon.socket(), 50);
    loaded.insert(loaded.end(), more.begin(), more.end());
  }
  double seconds = std::chrono::duration<double>(Clock::now() - started).count();
  stop = true;
  for (auto& fetcher : fetchers) fetcher.join();
  for (int fd : never_read) ::close(fd);

  std::printf("/v1/health, a new connection per check (idle: %d checks, loaded: %zu):\n", checks, loaded.size());
  print("idle daemon", idle);
  std::string load = "4 clients fetching a " + std::to_string(files) + "-file review + 100 not reading";
  print(load.c_str(), loaded);
  std::printf("(meanwhile, in %.1f s: %d review pages fetched, %d refused as busy)\n", seconds, fetched.load(),
              refused.load());
  std::printf("ratio loaded/idle: p50 %.2fx, p99 %.2fx; target p99 < 50 ms: %s\n",
              percentile(loaded, 0.5) / percentile(idle, 0.5), percentile(loaded, 0.99) / percentile(idle, 0.99),
              percentile(loaded, 0.99) < 50 ? "met" : "NOT met");
  std::filesystem::remove_all(dir);
  return 0;
}
