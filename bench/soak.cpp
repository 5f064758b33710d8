// The daemon over many tasks: TASKS no-op tasks (agent `true`) submitted in
// batches of STEP, each batch run to its end, and the daemon's resident
// memory after each batch. A daemon a team leaves running must stay flat
// (issue 13's target: within 10% from the first batch on, under 64 MB).
//
// Usage: bench_soak [TASKS=10000] [STEP=1000]   (as root: runs use runc)
#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <thread>

#include "bench/bench_daemon.h"
#include "bench/bench_support.h"

namespace {

using corral::bench::BenchDaemon;
using corral::bench::must;
using Clock = std::chrono::steady_clock;

}  // namespace

int main(int argc, char** argv) {
  std::setvbuf(stdout, nullptr, _IOLBF, 0);  // each batch's line as it comes, into a file too
  int total = argc > 1 ? std::atoi(argv[1]) : 10000;
  int step = argc > 2 ? std::atoi(argv[2]) : 1000;
  char pattern[] = "/tmp/corral-bench-XXXXXX";
  std::string dir = ::mkdtemp(pattern);
  std::string repo = dir + "/repo";
  corral::bench::make_repository(repo);
  BenchDaemon daemon(std::string(CORRAL_BINARY_DIR) + "/corral", dir);
  must(daemon.client().call("POST", "/v1/repos", nlohmann::json{{"path", repo}}.dump()).is_ok(), "repo add");
  long started_kib = daemon.rss_kib();
  std::printf("daemon at start: %.1f MiB\n", started_kib / 1024.0);
  long first_kib = 0, last_kib = 0, peak_kib = 0;
  for (int done = 0; done < total;) {
    auto batch_start = Clock::now();
    for (int i = 0; i < step && done + i < total; ++i) {
      auto submitted = daemon.client().call(
          "POST", "/v1/tasks",
          nlohmann::json{{"repo", repo}, {"agent", "true"}, {"prompt", "soak " + std::to_string(done + i)}}.dump());
      must(submitted.is_ok(), "submitting");
    }
    while (daemon.has_unfinished_tasks()) std::this_thread::sleep_for(std::chrono::milliseconds(200));
    done = std::min(total, done + step);
    double minutes = std::chrono::duration<double>(Clock::now() - batch_start).count() / 60;
    last_kib = daemon.rss_kib();
    if (first_kib == 0) first_kib = last_kib;
    peak_kib = std::max(peak_kib, last_kib);
    std::printf("%6d tasks: daemon %.1f MiB (%+.1f%% since the first batch), %.0f tasks/min\n", done, last_kib / 1024.0,
                100.0 * static_cast<double>(last_kib - first_kib) / static_cast<double>(first_kib), step / minutes);
  }
  std::printf("first batch %.1f MiB, last %.1f MiB, peak %.1f MiB: %+.1f%%; target flat within 10%%, under 64 MB: %s\n",
              first_kib / 1024.0, last_kib / 1024.0, peak_kib / 1024.0,
              100.0 * static_cast<double>(last_kib - first_kib) / static_cast<double>(first_kib),
              (last_kib - first_kib) * 10 <= first_kib && peak_kib < 64 * 1000 ? "met" : "NOT met");
  std::filesystem::remove_all(dir);
  return 0;
}
