// The first mirror of a local repository with a large history, against
// `git clone --mirror` of the same repository, in one run (issue 13's target:
// at most 1.5x). The repository: COMMITS commits, each adding a file of
// random (incompressible) bytes, MB in all.
//
// Usage: bench_first_mirror [MB=200] [COMMITS=400]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <random>
#include <string>

#include "bench/bench_support.h"
#include "git/mirror.h"

namespace {

using corral::bench::must;
using Clock = std::chrono::steady_clock;

// A repository at `path` whose history holds `megabytes` of random files over
// `commits` commits, written with git fast-import.
void make_large_repository(const std::string& path, int megabytes, int commits) {
  must(std::system(("git init -q -b main " + path).c_str()) == 0, "git init");
  std::FILE* import = ::popen(("git -C " + path + " fast-import --quiet").c_str(), "w");
  must(import != nullptr, "starting git fast-import");
  std::mt19937_64 random(7);
  size_t bytes = static_cast<size_t>(megabytes) * 1024 * 1024 / static_cast<size_t>(commits);
  std::string blob(bytes, '\0');
  for (int i = 1; i <= commits; ++i) {
    for (size_t at = 0; at + 8 <= blob.size(); at += 8) {
      uint64_t word = random();
      std::memcpy(&blob[at], &word, 8);
    }
    std::fprintf(import, "blob\nmark :%d\ndata %zu\n", i, blob.size());
    std::fwrite(blob.data(), 1, blob.size(), import);
    std::string message = "commit " + std::to_string(i);
    std::fprintf(import, "\ncommit refs/heads/main\ncommitter b <b@b> %d +0000\ndata %zu\n%s\n", 1700000000 + i,
                 message.size(), message.c_str());
    std::fprintf(import, "M 100644 :%d file-%d.bin\n\n", i, i);
  }
  must(::pclose(import) == 0, "git fast-import");
}

double seconds_since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

}  // namespace

int main(int argc, char** argv) {
  std::setvbuf(stdout, nullptr, _IOLBF, 0);  // in order with what git prints
  int megabytes = argc > 1 ? std::atoi(argv[1]) : 200;
  int commits = argc > 2 ? std::atoi(argv[2]) : 400;
  char pattern[] = "/tmp/corral-bench-XXXXXX";
  std::string dir = ::mkdtemp(pattern);
  std::string source = dir + "/source";
  std::printf("making a repository with %d MB of history in %d commits...\n", megabytes, commits);
  make_large_repository(source, megabytes, commits);
  std::system(("sync; echo history: $(du -sm " + source + "/.git | cut -f1) MB").c_str());

  auto started = Clock::now();
  must(std::system(("git clone -q --mirror " + source + " " + dir + "/clone.git").c_str()) == 0, "git clone --mirror");
  double clone_s = seconds_since(started);
  started = Clock::now();
  must(corral::git::sync_mirror(source, dir + "/mirror.git").is_ok(), "corral's first mirror");
  double corral_s = seconds_since(started);
  started = Clock::now();
  must(corral::git::sync_mirror(source, dir + "/mirror.git").is_ok(), "corral's next sync");
  double again_s = seconds_since(started);

  std::printf("git clone --mirror: %.3f s; corral's first mirror: %.3f s (%.2fx); its next sync: %.3f s\n", clone_s,
              corral_s, corral_s / clone_s, again_s);
  std::filesystem::remove_all(dir);
  return 0;
}
