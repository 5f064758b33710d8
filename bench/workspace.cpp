// Making a run's workspace and collecting a one-file change, at 1k, 10k, 50k
// and 200k files, side by side with the plain tools in one run: `git worktree
// add` to make, `git add -A` + `git commit` to collect (issue 13's target:
// at most 50 ms for each, at every size). corral is measured both ways:
// overlay (on a cached checkout; its first build is shown too) and the
// worktree it falls back to.
//
// Usage: bench_workspace [FILES...]   (default: 1000 10000 50000 200000)
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "bench/bench_support.h"
#include "core/clock.h"
#include "git/mirror.h"
#include "git/revision.h"
#include "runner/workspace/workspace.h"

namespace {

using corral::bench::must;
using corral::runner::Workspace;
using corral::runner::WorkspaceMode;
using corral::runner::WorkspacePlan;
using Clock = std::chrono::steady_clock;
constexpr int kRounds = 3;

double ms_since(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

template <typename F>
double timed(F&& body) {
  auto start = Clock::now();
  body();
  return ms_since(start);
}

struct Sizes {
  double make = 0, collect = 0, remove = 0;
};

double median(std::vector<double> values) { return corral::bench::percentile(std::move(values), 0.5); }

Sizes plain_git(const std::string& source, const std::string& dir) {
  std::vector<double> make, collect, remove;
  for (int round = 0; round < kRounds; ++round) {
    std::string tree = dir + "/git-wt-" + std::to_string(round);
    make.push_back(timed([&] {
      must(std::system(
               ("git -C " + source + " worktree add -q -b plain-" + std::to_string(round) + " " + tree).c_str()) == 0,
           "git worktree add");
    }));
    must(std::system(("echo changed >> " + tree + "/dir-0/file-0.txt").c_str()) == 0, "changing a file");
    collect.push_back(timed([&] {
      must(
          std::system(
              ("cd " + tree + " && git add -A && git -c user.name=b -c user.email=b@b commit -qm change").c_str()) == 0,
          "git add -A + commit");
    }));
    remove.push_back(timed([&] {
      must(std::system(("git -C " + source + " worktree remove --force " + tree).c_str()) == 0, "git worktree remove");
    }));
  }
  return {median(make), median(collect), median(remove)};
}

Sizes corral_workspace(const std::string& mirror, const std::string& base, const std::string& dir, WorkspaceMode mode,
                       double* first_make) {
  std::vector<double> make, collect, remove;
  for (int round = 0; round <= kRounds; ++round) {
    std::string run = std::string(mode == WorkspaceMode::kAuto ? "o" : "w") + std::to_string(round);
    must(corral::git::create_branch(mirror, "corral/" + run, base).is_ok(), "creating a task branch");
    Workspace workspace(WorkspacePlan{run,
                                      mirror,
                                      dir + "/mirror.lock",
                                      "repo",
                                      "corral/" + run,
                                      base,
                                      dir + "/worktrees/" + run,
                                      dir + "/layers/" + run,
                                      dir + "/checkouts",
                                      {mode, {}}});
    double made = timed([&] { must(workspace.make().is_ok(), "making a workspace"); });
    must(std::system(("echo changed >> " + dir + "/worktrees/" + run + "/dir-0/file-0.txt").c_str()) == 0,
         "changing a file");
    corral::git::CommitDetails details;
    details.subject = "change";
    double collected = timed([&] {
      auto snapshot = workspace.collect(details, corral::SystemClock().now());
      must(snapshot.is_ok() && snapshot->changed, "collecting");
    });
    double removed = timed([&] { must(workspace.remove().is_ok(), "removing the workspace"); });
    if (round == 0) {  // the first builds the cache (overlay): shown apart
      if (first_make) *first_make = made;
      continue;
    }
    make.push_back(made);
    collect.push_back(collected);
    remove.push_back(removed);
  }
  return {median(make), median(collect), median(remove)};
}

}  // namespace

int main(int argc, char** argv) {
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  std::vector<int> sizes;
  for (int i = 1; i < argc; ++i) sizes.push_back(std::atoi(argv[i]));
  if (sizes.empty()) sizes = {1000, 10000, 50000, 200000};
  std::printf("median of %d rounds, ms; ratio = corral / git (below 1: corral is faster)\n", kRounds);
  std::printf("%8s | %-27s | %-36s | %-20s | %s\n", "files", "git worktree add / add+commit",
              "corral overlay make / collect (x)", "overlay first build", "corral worktree make / collect");
  for (int files : sizes) {
    char pattern[] = "/tmp/corral-bench-XXXXXX";
    std::string dir = ::mkdtemp(pattern);
    std::string source = dir + "/source";
    corral::bench::make_repository(source, files);
    must(corral::git::sync_mirror(source, dir + "/mirror.git").is_ok(), "mirroring");
    auto resolved = corral::git::resolve_commit(source, "HEAD");
    must(resolved.is_ok(), "resolving the base");
    std::string base = *resolved;
    // corral's first build comes first: ext4 makes files more slowly where
    // many were just deleted, and every other round deletes a whole tree.
    double first = 0;
    Sizes overlay = corral_workspace(dir + "/mirror.git", base, dir, WorkspaceMode::kAuto, &first);
    Sizes git = plain_git(source, dir);
    Sizes worktree = corral_workspace(dir + "/mirror.git", base, dir, WorkspaceMode::kWorktree, nullptr);
    std::printf("%8d | %9.1f / %9.1f       | %7.1f (%.3fx) / %7.1f (%.3fx)   | %9.1f            | %7.1f / %7.1f\n",
                files, git.make, git.collect, overlay.make, overlay.make / git.make, overlay.collect,
                overlay.collect / git.collect, first, worktree.make, worktree.collect);
    std::filesystem::remove_all(dir);
  }
  return 0;
}
