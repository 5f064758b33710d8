// TASKS no-op tasks (agent `true`) through the daemon, PARALLEL at a time,
// against the plain sequence a script would run for each, PARALLEL at a
// time too: `git worktree add` + hand the files to the sandbox user + `runc
// run` (the same hardened bundle) + `git add -A` (+ `git commit` if anything
// changed) + `git worktree remove`. Prints tasks per minute for both, the
// ratio (issue 13's target: corral at least as fast, >= 1.0x), and where a
// daemon's task spends its time, per stage, from the daemon's own events.
//
// Usage: bench_task_throughput [TASKS=200] [PARALLEL=2] [FILES=1000] [WORKSPACE=auto]   (as root)
// WORKSPACE=worktree runs the daemon with `--workspace worktree` (how every
// run was made before overlay workspaces).
#include <nlohmann/json.hpp>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "bench/bench_daemon.h"
#include "bench/bench_support.h"
#include "containers/oci_bundle.h"
#include "containers/sandbox_spec.h"

namespace {

using corral::bench::BenchDaemon;
using corral::bench::must;
using corral::bench::percentile;
using Clock = std::chrono::steady_clock;
using json = nlohmann::json;

double minutes_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count() / 60;
}

// Milliseconds since the epoch of an event's "YYYY-MM-DDTHH:MM:SS.mmmZ".
double event_ms(const std::string& time) {
  std::tm tm{};
  int millis = 0;
  std::sscanf(time.c_str(), "%d-%d-%dT%d:%d:%d.%dZ", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour, &tm.tm_min,
              &tm.tm_sec, &millis);
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  return static_cast<double>(::timegm(&tm)) * 1000 + millis;
}

// Submits `tasks` no-op tasks and waits for all of them; tasks per minute.
double through_the_daemon(const BenchDaemon& daemon, const std::string& repo, int tasks) {
  auto start = Clock::now();
  for (int i = 0; i < tasks; ++i) {
    json task = {{"repo", repo}, {"agent", "true"}, {"prompt", "no-op " + std::to_string(i)}};
    must(daemon.client().call("POST", "/v1/tasks", task.dump()).is_ok(), "submitting");
  }
  while (daemon.has_unfinished_tasks()) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  return tasks / minutes_since(start);
}

// The stages of every finished task after event `after`, from the events' times: ms each, p50.
void print_stages(const BenchDaemon& daemon, int64_t after) {
  // Per task: the time of each event type (the first of its kind).
  std::map<std::string, std::map<std::string, double>> seen;
  for (;;) {
    auto page = daemon.client().call("GET", "/v1/events?limit=1000&after=" + std::to_string(after));
    must(page.is_ok(), "reading events");
    for (const json& event : (*page)["events"]) {
      auto& times = seen[event["task"].get<std::string>()];
      times.emplace(event["type"].get<std::string>(), event_ms(event["time"].get<std::string>()));
    }
    if ((*page)["events"].empty()) break;
    after = (*page)["last"].get<int64_t>();
  }
  const std::vector<std::pair<std::string, std::string>> stages = {
      {"task.queued", "task.started"},         // waiting for a slot
      {"task.started", "task.routed"},         // the base in the mirror, the run admitted
      {"task.routed", "sandbox.created"},      // workspace, gateways, the sandbox created
      {"sandbox.created", "diff.proposed"},    // the agent ran, its work collected
      {"diff.proposed", "sandbox.destroyed"},  // the sandbox removed
      {"sandbox.destroyed", "task.finished"},  // workspace removed, the end recorded
  };
  std::printf("per stage (p50 / p90 ms over %zu tasks, from the daemon's events):\n", seen.size());
  for (const auto& [from, to] : stages) {
    std::vector<double> spans;
    for (const auto& [task, times] : seen) {
      if (times.count(from) && times.count(to)) spans.push_back(times.at(to) - times.at(from));
    }
    if (spans.empty()) continue;
    std::printf("  %-18s -> %-18s %7.1f / %7.1f\n", from.c_str(), to.c_str(), percentile(spans, 0.5),
                percentile(spans, 0.9));
  }
}

// The plain sequence of one task, for each of `parallel` workers (each with
// its own worktree and bundle).
std::vector<std::string> plain_sequences(const std::string& dir, const std::string& repo, int parallel) {
  std::vector<std::string> commands;
  for (int worker = 0; worker < parallel; ++worker) {
    std::string worktree = dir + "/plain-worktree-" + std::to_string(worker);
    corral::containers::SandboxSpec spec;
    spec.name = "bench-plain-" + std::to_string(worker);
    spec.argv = {"/bin/sh", "-c", "true \"$@\"", "agent", "no-op"};
    spec.env = {"PATH=/usr/bin:/bin", "HOME=/home/agent"};
    spec.workspace_host_path = worktree;
    spec.supervisor_host_path = std::string(CORRAL_BINARY_DIR) + "/corral-supervisor";
    std::string bundle = dir + "/plain-bundle-" + std::to_string(worker);
    must(corral::containers::write_bundle(bundle, spec, "/corral-bench").is_ok(), "writing the plain bundle");
    commands.push_back("git -C " + repo + " worktree add -q --detach " + worktree + " HEAD && chown -R 10001:10001 " +
                       worktree + " && runc --root " + dir + "/plain-state run --bundle " + bundle + " " + spec.name +
                       " && cd " + worktree +
                       " && git -c safe.directory='*' add -A && (git -c safe.directory='*' diff " +
                       "--cached --quiet || git -c safe.directory='*' -c user.name=b -c user.email=b@b commit -qm " +
                       "task) && git -C " + repo + " worktree remove --force " + worktree);
  }
  return commands;
}

// `tasks` tasks through the plain sequences, one worker per sequence; tasks per minute.
double run_plain(const std::vector<std::string>& commands, int tasks) {
  std::atomic<int> next{0};
  auto start = Clock::now();
  std::vector<std::thread> workers;
  for (size_t worker = 0; worker < commands.size(); ++worker) {
    workers.emplace_back([&, worker] {
      while (next++ < tasks) must(std::system(commands[worker].c_str()) == 0, "the plain sequence");
    });
  }
  for (auto& thread : workers) thread.join();
  return tasks / minutes_since(start);
}

}  // namespace

int main(int argc, char** argv) {
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  int tasks = argc > 1 ? std::atoi(argv[1]) : 200;
  int parallel = argc > 2 ? std::atoi(argv[2]) : 2;
  int files = argc > 3 ? std::atoi(argv[3]) : 1000;
  std::string workspace = argc > 4 ? argv[4] : "auto";
  char pattern[] = "/tmp/corral-bench-XXXXXX";
  std::string dir = ::mkdtemp(pattern);
  std::string repo = dir + "/repo";
  corral::bench::make_repository(repo, files);
  std::printf("%d no-op tasks, %d at a time, on a repository of %d files, --workspace %s\n", tasks, parallel, files,
              workspace.c_str());

  std::string cap = std::to_string(parallel);
  double daemon_rate = 0;
  {
    BenchDaemon daemon(std::string(CORRAL_BINARY_DIR) + "/corral", dir,
                       {"--max-running", cap, "--max-per-repo", cap, "--max-per-agent", cap, "--workspace", workspace});
    must(daemon.client().call("POST", "/v1/repos", json{{"path", repo}}.dump()).is_ok(), "repo add");
    through_the_daemon(daemon, repo, parallel);  // warm-up: the mirror and the cached checkout
    int64_t after = 0;
    for (auto page = daemon.client().call("GET", "/v1/events?limit=1000&after=0");
         page.is_ok() && !(*page)["events"].empty();
         page = daemon.client().call("GET", "/v1/events?limit=1000&after=" + std::to_string(after))) {
      after = (*page)["last"].get<int64_t>();
    }
    daemon_rate = through_the_daemon(daemon, repo, tasks);
    print_stages(daemon, after);
  }
  std::vector<std::string> plain = plain_sequences(dir, repo, parallel);
  run_plain(plain, parallel);  // warm-up
  double plain_rate = run_plain(plain, tasks);
  std::printf("corral serve: %.0f tasks/min; plain sequence: %.0f tasks/min; ratio %.2fx (target >= 1.0x)\n",
              daemon_rate, plain_rate, daemon_rate / plain_rate);
  std::filesystem::remove_all(dir);
  return 0;
}
