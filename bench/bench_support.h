// What the benchmarks share: stopping on a failed step, percentiles, a
// repository of any size to work on, and a libcurl sink that throws the body away.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

namespace corral::bench {

// Ends the benchmark, saying which step failed, unless `ok`.
inline void must(bool ok, const std::string& what) {
  if (!ok) {
    std::fprintf(stderr, "bench: %s failed\n", what.c_str());
    std::exit(1);
  }
}

// The value at share `p` (0..1) of `values`, nearest rank.
inline double percentile(std::vector<double> values, double p) {
  std::sort(values.begin(), values.end());
  return values[static_cast<size_t>(p * static_cast<double>(values.size() - 1) + 0.5)];
}

// A git repository at `path` with one commit on main of `files` small files,
// 100 to a directory (written by git fast-import), checked out.
inline void make_repository(const std::string& path, int files = 1) {
  must(std::system(("git init -q -b main " + path).c_str()) == 0, "git init");
  std::FILE* import = ::popen(("git -C " + path + " fast-import --quiet").c_str(), "w");
  must(import != nullptr, "starting git fast-import");
  std::fprintf(import, "commit refs/heads/main\ncommitter b <b@b> 1700000000 +0000\ndata 5\nfiles\n");
  for (int i = 0; i < files; ++i) {
    std::string text = "file " + std::to_string(i) + "\nsome ordinary content of a source file\n";
    std::fprintf(import, "M 100644 inline dir-%d/file-%d.txt\ndata %zu\n%s\n", i / 100, i, text.size(), text.c_str());
  }
  std::fprintf(import, "\n");
  must(::pclose(import) == 0, "git fast-import");
  must(std::system(("git -C " + path + " checkout -q -f main").c_str()) == 0, "checking out the repository");
}

// A CURLOPT_WRITEFUNCTION that keeps nothing.
inline size_t discard(char*, size_t size, size_t count, void*) { return size * count; }

}  // namespace corral::bench
