// How soon an idle daemon starts a task it was just given: the time from
// task.queued to task.started, both stamped by the daemon in the same
// transaction order, over N submissions, each one to an idle daemon (the
// previous task ended, then a random pause of up to 250 ms so submissions
// land at any phase of a timer, if the daemon has one).
//
// With a second corral binary (an older build, say) it measures both in one
// run, alternating tries, and prints the ratio.
//
// Usage: bench_dispatch_latency [TRIES=200] [OTHER_CORRAL]   (as root: runc)
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "bench/bench_support.h"
#include "cli/api_client.h"

namespace {

using corral::bench::must;
using corral::bench::percentile;

using json = nlohmann::json;
using corral::cli::ApiClient;

// "2026-11-30T06:45:09.123Z" as milliseconds since the epoch.
double rfc3339_ms(const std::string& stamp) {
  std::tm tm{};
  int millis = 0;
  must(std::sscanf(stamp.c_str(), "%d-%d-%dT%d:%d:%d.%dZ", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour,
                   &tm.tm_min, &tm.tm_sec, &millis) == 7,
       "reading the time " + stamp);
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  return static_cast<double>(::timegm(&tm)) * 1000.0 + millis;
}

// One `corral serve` on its own data directory, with the repository added.
class Daemon {
 public:
  Daemon(const std::string& corral, const std::string& dir, const std::string& repo)
      : data_(dir + "/data"), client_("unix:" + data_ + "/corral.sock", "") {
    pid_ = ::fork();
    if (pid_ == 0) {
      std::freopen((dir + "/serve.log").c_str(), "w", stdout);
      std::freopen((dir + "/serve.err").c_str(), "w", stderr);
      ::execl(corral.c_str(), corral.c_str(), "--data-dir", data_.c_str(), "serve", "--backend", "runc",
              static_cast<char*>(nullptr));
      ::_exit(127);
    }
    for (int i = 0; i < 100 && !client_.call("GET", "/v1/repos").is_ok(); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    must(client_.call("POST", "/v1/repos", json{{"path", repo}}.dump()).is_ok(), "repo add");
  }
  ~Daemon() {
    ::kill(pid_, SIGTERM);
    ::waitpid(pid_, nullptr, 0);
  }

  // Submits one task, waits until it has ended, and returns queued -> started in ms.
  double dispatch_ms(const std::string& repo, int n) {
    auto created = client_.call("POST", "/v1/tasks",
                                json{{"repo", repo}, {"agent", "true"}, {"prompt", "try " + std::to_string(n)}}.dump());
    must(created.is_ok(), "submit");
    std::string task = (*created).value("id", "");
    for (int i = 0; i < 30000; ++i) {
      auto shown = client_.call("GET", "/v1/tasks/" + task);
      must(shown.is_ok(), "show");
      std::string state = (*shown).value("state", "");
      if (state != "queued" && state != "running") break;
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    auto events = client_.call("GET", "/v1/events?task=" + task + "&type=task.");
    must(events.is_ok(), "events");
    double queued = -1, started = -1;
    for (const json& event : (*events)["events"]) {
      if (event["type"] == "task.queued") queued = rfc3339_ms(event["time"].get<std::string>());
      if (event["type"] == "task.started" && started < 0) started = rfc3339_ms(event["time"].get<std::string>());
    }
    must(queued >= 0 && started >= 0, "task " + task + " queued and started");
    return started - queued;
  }

 private:
  std::string data_;
  ApiClient client_;
  pid_t pid_ = -1;
};

}  // namespace

int main(int argc, char** argv) {
  int tries = argc > 1 ? std::atoi(argv[1]) : 200;
  std::vector<std::string> binaries = {std::string(CORRAL_BINARY_DIR) + "/corral"};
  if (argc > 2) binaries.push_back(argv[2]);
  char pattern[] = "/tmp/corral-bench-XXXXXX";
  std::string dir = ::mkdtemp(pattern);
  std::string repo = dir + "/repo";
  corral::bench::make_repository(repo);

  std::vector<std::unique_ptr<Daemon>> daemons;
  for (size_t b = 0; b < binaries.size(); ++b) {
    std::string own = dir + "/daemon" + std::to_string(b);
    std::filesystem::create_directories(own);
    daemons.push_back(std::make_unique<Daemon>(binaries[b], own, repo));
  }
  std::vector<std::vector<double>> latencies(binaries.size());
  std::mt19937 random(42);
  std::uniform_int_distribution<int> pause_ms(0, 250);
  for (int n = 0; n < tries; ++n) {
    for (size_t b = 0; b < daemons.size(); ++b) {
      std::this_thread::sleep_for(std::chrono::milliseconds(pause_ms(random)));
      latencies[b].push_back(daemons[b]->dispatch_ms(repo, n));
    }
  }
  daemons.clear();
  std::filesystem::remove_all(dir);

  std::printf("submit -> task.started on an idle daemon, %d tries each (ms, as the daemon stamped them)\n", tries);
  for (size_t b = 0; b < binaries.size(); ++b) {
    std::printf("  %-60s p50 %6.1f  p90 %6.1f  p99 %6.1f  max %6.1f\n", binaries[b].c_str(),
                percentile(latencies[b], 0.5), percentile(latencies[b], 0.9), percentile(latencies[b], 0.99),
                percentile(latencies[b], 1.0));
  }
  if (binaries.size() == 2) {
    std::printf("  ratio of p50 (this build / the other): %.3f\n",
                std::max(percentile(latencies[0], 0.5), 0.5) / std::max(percentile(latencies[1], 0.5), 0.5));
  }
  return 0;
}
