// `corral run` of a no-op agent against the plain sequence a script would do:
// `git worktree add` + `runc run` of the same command in the same hardened
// bundle + `git worktree remove`. Same repository, same machine, one run,
// alternating the two so drift hits both alike. Prints p50/p90 and the ratio.
//
// Usage: bench_run_overhead [ITERATIONS=20] [FILES=2000]   (as root)
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "bench/bench_support.h"
#include "containers/oci_bundle.h"
#include "containers/sandbox_spec.h"

namespace {

using corral::bench::percentile;

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

void must(const std::string& command) {
  if (std::system(command.c_str()) != 0) {
    std::fprintf(stderr, "bench: failed: %s\n", command.c_str());
    std::exit(1);
  }
}

double seconds_of(const std::string& command) {
  auto start = Clock::now();
  must(command);
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// A repository with `files` small source files in nested folders (~4 KiB each).
void make_repo(const std::string& repo, int files) {
  must("git init -q -b main " + repo);
  for (int i = 0; i < files; ++i) {
    fs::path path = fs::path(repo) / ("pkg" + std::to_string(i % 40)) / ("file" + std::to_string(i) + ".c");
    fs::create_directories(path.parent_path());
    FILE* out = std::fopen(path.c_str(), "w");
    for (int line = 0; line < 100; ++line) std::fprintf(out, "int f%d_%d(void) { return %d; }\n", i, line, line);
    std::fclose(out);
  }
  must("cd " + repo + " && git add -A && git -c user.name=b -c user.email=b@b commit -q -m init");
}

}  // namespace

int main(int argc, char** argv) {
  int iterations = argc > 1 ? std::atoi(argv[1]) : 20;
  int files = argc > 2 ? std::atoi(argv[2]) : 2000;
  char pattern[] = "/tmp/corral-bench-XXXXXX";
  std::string dir = ::mkdtemp(pattern);
  std::string repo = dir + "/repo";
  std::string corral = std::string(CORRAL_BINARY_DIR) + "/corral";
  std::string supervisor = std::string(CORRAL_BINARY_DIR) + "/corral-supervisor";
  make_repo(repo, files);

  // The plain side's bundle: the same hardened profile corral uses, written once.
  std::string worktree = dir + "/plain-worktree";
  corral::containers::SandboxSpec spec;
  spec.name = "bench-plain";
  spec.argv = {"/bin/sh", "-c", "true \"$@\"", "agent", "noop"};
  spec.env = {"PATH=/usr/bin:/bin", "HOME=/home/agent"};
  spec.workspace_host_path = worktree;
  spec.supervisor_host_path = supervisor;
  std::string bundle = dir + "/plain-bundle";
  if (!corral::containers::write_bundle(bundle, spec, "/corral-bench").is_ok()) return 1;

  std::string corral_command =
      corral + " --data-dir " + dir + "/data run --quiet --repo " + repo + " --agent true noop >/dev/null";
  std::string plain_command = "git -C " + repo + " worktree add -q --detach " + worktree + " HEAD" +
                              " && chown -R 10001:10001 " + worktree + " && runc --root " + dir +
                              "/plain-state run --bundle " + bundle + " bench-plain" + " && git -C " + repo +
                              " worktree remove --force " + worktree;
  seconds_of(corral_command);  // warm-up: creates the mirror, as a first run would
  seconds_of(plain_command);

  std::vector<double> with_corral, plain;
  for (int i = 0; i < iterations; ++i) {
    with_corral.push_back(seconds_of(corral_command));
    plain.push_back(seconds_of(plain_command));
  }
  std::printf("corral run vs git worktree add + runc run + git worktree remove\n");
  std::printf("repository: %d files, %d iterations each, no-op agent\n", files, iterations);
  std::printf("%-28s p50 %7.1f ms   p90 %7.1f ms\n", "corral run", percentile(with_corral, 0.5) * 1e3,
              percentile(with_corral, 0.9) * 1e3);
  std::printf("%-28s p50 %7.1f ms   p90 %7.1f ms\n", "plain (worktree+runc)", percentile(plain, 0.5) * 1e3,
              percentile(plain, 0.9) * 1e3);
  std::printf("ratio corral/plain          p50 %7.2fx    p90 %7.2fx\n",
              percentile(with_corral, 0.5) / percentile(plain, 0.5),
              percentile(with_corral, 0.9) / percentile(plain, 0.9));
  fs::remove_all(dir);
  return 0;
}
