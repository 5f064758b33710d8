// A `corral serve` for a benchmark: its own data directory under `dir`, its
// log in dir/serve.log, reached over its unix socket; stopped (SIGTERM) when
// it goes.
#pragma once

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "bench/bench_support.h"
#include "cli/api_client.h"

namespace corral::bench {

class BenchDaemon {
 public:
  // `corral`: the binary; `flags`: what follows `serve`.
  BenchDaemon(const std::string& corral, const std::string& dir, const std::vector<std::string>& flags = {})
      : socket_(dir + "/data/corral.sock") {
    std::string data = dir + "/data";
    std::vector<std::string> args = {corral, "--data-dir", data, "serve"};
    args.insert(args.end(), flags.begin(), flags.end());
    std::fflush(stdout);  // else the child prints what is buffered again
    pid_ = ::fork();
    if (pid_ == 0) {
      std::freopen((dir + "/serve.log").c_str(), "a", stdout);
      std::freopen((dir + "/serve.log").c_str(), "a", stderr);
      std::vector<char*> argv;
      for (std::string& arg : args) argv.push_back(arg.data());
      argv.push_back(nullptr);
      ::execv(corral.c_str(), argv.data());
      ::_exit(127);
    }
    for (int i = 0; i < 100 && !client().call("GET", "/v1/health").is_ok(); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    must(client().call("GET", "/v1/health").is_ok(), "starting corral serve (see " + dir + "/serve.log)");
  }
  ~BenchDaemon() {
    ::kill(pid_, SIGTERM);
    ::waitpid(pid_, nullptr, 0);
  }
  BenchDaemon(const BenchDaemon&) = delete;
  BenchDaemon& operator=(const BenchDaemon&) = delete;

  cli::ApiClient client() const { return cli::ApiClient("unix:" + socket_, ""); }
  const std::string& socket() const { return socket_; }
  pid_t pid() const { return pid_; }

  // Whether any task is still queued or running. Asks for one task of each
  // state, so that watching costs the daemon (and the machine) next to nothing.
  bool has_unfinished_tasks() const {
    for (const char* state : {"queued", "running"}) {
      auto page = client().call("GET", std::string("/v1/tasks?limit=1&state=") + state);
      must(page.is_ok(), "listing tasks");
      if (!(*page)["tasks"].empty()) return true;
    }
    return false;
  }

  // The daemon's resident memory in KiB.
  long rss_kib() const {
    std::ifstream status("/proc/" + std::to_string(pid_) + "/status");
    for (std::string key; status >> key;) {
      if (key == "VmRSS:") {
        long kib = 0;
        status >> kib;
        return kib;
      }
    }
    return -1;
  }

 private:
  std::string socket_;
  pid_t pid_ = -1;
};

}  // namespace corral::bench
