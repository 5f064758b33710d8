// A plain HTTP server on the host's 127.0.0.1, for network tests: it counts
// connections, answers every request with answer() ("hello from the host")
// and keeps what each request sent.
#pragma once

#include <atomic>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace corral::testing {

// A listening TCP socket on 127.0.0.1 at a free port (set in *port).
int listen_on_loopback(int* port);

class LoopbackHttpServer {
 public:
  LoopbackHttpServer();
  ~LoopbackHttpServer();
  LoopbackHttpServer(const LoopbackHttpServer&) = delete;
  LoopbackHttpServer& operator=(const LoopbackHttpServer&) = delete;

  static std::string answer();
  int port() const { return port_; }
  int connections() const { return connections_; }  // accepted, whatever they sent
  int requests() const { return requests_; }
  std::vector<std::string> seen() const;  // each request's head (and what came with it), in order

 private:
  int listener_ = -1;
  int port_ = 0;
  std::atomic<int> connections_{0};
  std::atomic<int> requests_{0};
  mutable std::mutex mutex_;
  std::vector<std::string> seen_;
  std::thread thread_;
};

}  // namespace corral::testing
