// Recomputing every repository's tier from its outcomes, in one run:
//   memory   N repositories x M outcomes held as routing::Outcome values
//   replay   routing::replay over each repository's history (the pure path)
//   store    the same outcomes in a real SQLite file (store::Outcomes), read
//            back per repository and replayed: what the daemon's path costs
//   naive    for contrast, KPIs recomputed from scratch after every outcome
//            (quadratic), on the first 100 repositories, scaled up
// Prints times, outcomes per second, bytes per outcome and the ratios.
// Usage: bench_tier_recompute [REPOS=10000] [OUTCOMES_PER_REPO=100]
#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "core/clock.h"
#include "routing/tier_policy.h"
#include "store/database.h"
#include "store/outcomes.h"

namespace {

using namespace corral;
using Steady = std::chrono::steady_clock;
namespace fs = std::filesystem;

long peak_rss_kib() {
  rusage usage{};
  ::getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss;
}

long current_rss_kib() {
  FILE* status = std::fopen("/proc/self/statm", "r");
  long pages = 0, resident = 0;
  if (status && std::fscanf(status, "%ld %ld", &pages, &resident) != 2) resident = 0;
  if (status) std::fclose(status);
  return resident * (::sysconf(_SC_PAGESIZE) / 1024);
}

double seconds_since(Steady::time_point start) { return std::chrono::duration<double>(Steady::now() - start).count(); }

constexpr routing::OutcomeKind kFailures[] = {routing::OutcomeKind::kRejected, routing::OutcomeKind::kChecksFailed,
                                              routing::OutcomeKind::kRunFailed, routing::OutcomeKind::kRefused};

// One repository's history: outcomes an hour apart, each repository with its
// own success rate, a few rollbacks.
std::vector<routing::Outcome> history_of(int repo, int length, std::mt19937& random) {
  std::uniform_real_distribution<double> coin(0, 1);
  double success = 0.55 + 0.4 * coin(random);
  std::vector<routing::Outcome> history;
  history.reserve(length);
  TimePoint start = TimePoint{} + std::chrono::hours(24 * 365 * 55) + std::chrono::minutes(repo);
  std::string last_merged;
  for (int i = 0; i < length; ++i) {
    TimePoint at = start + std::chrono::hours(i);
    std::string task = "t" + std::to_string(repo) + "-" + std::to_string(i);
    if (!last_merged.empty() && coin(random) < 0.02) {
      history.push_back({routing::OutcomeKind::kRolledBack, at, last_merged, "a"});
      last_merged.clear();
    } else if (coin(random) < success) {
      history.push_back({routing::OutcomeKind::kMerged, at, task, i % 3 ? "claude" : "codex"});
      last_merged = task;
    } else {
      history.push_back({kFailures[i % 4], at, task, "codex"});
    }
  }
  return history;
}

int64_t ms_of(TimePoint at) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(at.time_since_epoch()).count();
}

}  // namespace

int main(int argc, char** argv) {
  int repos = argc > 1 ? std::atoi(argv[1]) : 10000;
  int per_repo = argc > 2 ? std::atoi(argv[2]) : 100;
  if (repos <= 0 || per_repo <= 0) return 2;
  routing::RoutingSettings settings = routing::default_routing_settings();
  std::mt19937 random(42);

  long rss_before = current_rss_kib();
  std::vector<std::vector<routing::Outcome>> histories;
  histories.reserve(repos);
  for (int r = 0; r < repos; ++r) histories.push_back(history_of(r, per_repo, random));
  long rss_held = current_rss_kib() - rss_before;
  double total = static_cast<double>(repos) * per_repo;

  auto start = Steady::now();
  int tier_counts[4] = {};
  for (const auto& history : histories)
    ++tier_counts[static_cast<int>(routing::replay(history, settings).back().decision.to)];
  double replay_s = seconds_since(start);

  // The store path: a real SQLite file.
  fs::path dir = fs::temp_directory_path() / ("corral-bench-tiers-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  auto db = store::Database::open((dir / "corral.db").string());
  if (!db.is_ok()) return 1;
  SystemClock clock;
  start = Steady::now();
  Status inserted = (*db)->in_transaction([&]() -> Status {
    for (int r = 0; r < repos; ++r) {
      for (const auto& outcome : histories[r]) {
        CORRAL_RETURN_IF_ERROR((*db)->exec("INSERT INTO outcomes(repo_id, task_id, agent, kind, at_ms) VALUES ('repo-" +
                                           std::to_string(r) + "', '" + outcome.task + "', '" + outcome.agent + "', '" +
                                           routing::outcome_name(outcome.kind) + "', " +
                                           std::to_string(ms_of(outcome.at)) + ")"));
      }
    }
    return Status::ok();
  });
  double insert_s = seconds_since(start);
  if (!inserted.is_ok()) {
    std::fprintf(stderr, "bench: %s\n", inserted.to_string().c_str());
    return 1;
  }
  store::Outcomes outcomes(**db, clock);
  start = Steady::now();
  size_t read = 0;
  for (int r = 0; r < repos; ++r) {
    auto rows = outcomes.of_repo("repo-" + std::to_string(r));
    if (!rows.is_ok()) return 1;
    std::vector<routing::Outcome> history;
    history.reserve(rows->size());
    for (const auto& row : *rows) {
      history.push_back({*routing::parse_outcome(row.kind), TimePoint{} + std::chrono::milliseconds(row.at_ms),
                         row.task_id, row.agent});
    }
    read += history.size();
    routing::replay(history, settings);
  }
  double store_s = seconds_since(start);
  uintmax_t db_bytes = fs::file_size(dir / "corral.db");
  fs::remove_all(dir);

  // The naive way, on a sample: KPIs recomputed from scratch after every outcome.
  int sample = std::min(repos, 100);
  start = Steady::now();
  for (int r = 0; r < sample; ++r) {
    const auto& history = histories[r];
    for (size_t i = 1; i <= history.size(); ++i) {
      routing::TrackRecord record(settings.half_life, settings.rollback_window);
      for (size_t k = 0; k < i; ++k) record.add(history[k]);
      record.kpis(history[i - 1].at);
    }
  }
  double naive_s = seconds_since(start) * repos / sample;

  std::printf("%d repositories x %d outcomes = %.0f outcomes\n", repos, per_repo, total);
  std::printf("tiers after replay: observe %d, supervised %d, trusted %d, autonomous %d\n", tier_counts[0],
              tier_counts[1], tier_counts[2], tier_counts[3]);
  std::printf("memory   %.1f MiB held (%.0f bytes/outcome), peak RSS %.1f MiB\n", rss_held / 1024.0,
              rss_held * 1024.0 / total, peak_rss_kib() / 1024.0);
  std::printf("replay   %.3f s (%.2f M outcomes/s, %.1f us per repository)\n", replay_s, total / replay_s / 1e6,
              replay_s / repos * 1e6);
  std::printf("store    %.3f s to read %zu outcomes back from SQLite and replay (%.1f MiB file; insert took %.1f s)\n",
              store_s, read, db_bytes / 1048576.0, insert_s);
  std::printf("naive    %.1f s estimated (from scratch after every outcome, %d repositories measured)\n", naive_s,
              sample);
  std::printf("ratio    store/replay %.1fx, naive/replay %.0fx\n", store_s / replay_s, naive_s / replay_s);
  return 0;
}
