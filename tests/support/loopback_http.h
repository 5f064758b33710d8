// A plain HTTP server on the host's 127.0.0.1, for egress tests: it answers
// every request with answer() ("hello from the host") and counts requests.
#pragma once

#include <atomic>
#include <string>
#include <thread>

namespace corral::testing {

class LoopbackHttpServer {
 public:
  LoopbackHttpServer();
  ~LoopbackHttpServer();
  LoopbackHttpServer(const LoopbackHttpServer&) = delete;
  LoopbackHttpServer& operator=(const LoopbackHttpServer&) = delete;

  static std::string answer();
  int port() const { return port_; }
  int requests() const { return requests_; }

 private:
  int listener_ = -1;
  int port_ = 0;
  std::atomic<int> requests_{0};
  std::thread thread_;
};

}  // namespace corral::testing
