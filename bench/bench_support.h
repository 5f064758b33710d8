// What the benchmarks share: stopping on a failed step, percentiles, a
// repository to work on, and a libcurl sink that throws the body away.
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

// A git repository with one commit on main, made at `path`.
inline void make_repository(const std::string& path) {
  must(std::system(("git init -q -b main " + path + " && cd " + path +
                    " && echo x > x && git add x && git -c user.name=b -c user.email=b@b commit -qm x")
                       .c_str()) == 0,
       "making a repository");
}

// A CURLOPT_WRITEFUNCTION that keeps nothing.
inline size_t discard(char*, size_t size, size_t count, void*) { return size * count; }

}  // namespace corral::bench
