// A unix socket a run's gateway listens on, in the run directory that is
// mounted into the sandbox. One thread per connection (a run has a handful);
// stop() ends them all: the listener closes, live connections are shut down
// and their threads joined, so nothing of a run outlives it.
#pragma once

#include <atomic>
#include <functional>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/status.h"
#include "core/thread_annotations.h"

namespace corral::runner {

class SocketServer {
 public:
  // Serves one connection; the socket is closed after it returns. A handler
  // that opens a connection of its own (upstream) passes it to `also_stop`,
  // so stop() shuts it down too and no handler is left blocked on it.
  using AlsoStop = std::function<void(int fd)>;
  using Handler = std::function<void(int fd, const AlsoStop& also_stop)>;

  // Listens at `path` (which must not exist), connectable by the sandbox user.
  static Result<std::unique_ptr<SocketServer>> listen(const std::string& path, Handler handler);
  ~SocketServer();

  void stop();

 private:
  struct Connection {
    int fd;
    std::vector<int> upstreams;
    std::thread thread;
    std::atomic<bool> done{false};
  };
  SocketServer(int listener, int wake_read, int wake_write, std::string path, Handler handler);
  void accept_loop();
  void join_finished();

  int listener_, wake_read_, wake_write_;
  std::string path_;
  Handler handler_;
  std::thread acceptor_;
  Mutex mutex_;
  std::list<Connection> connections_ CORRAL_GUARDED_BY(mutex_);
  bool stopped_ CORRAL_GUARDED_BY(mutex_) = false;
};

}  // namespace corral::runner
