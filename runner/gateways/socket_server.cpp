#include "runner/gateways/socket_server.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>

namespace corral::runner {

Result<std::unique_ptr<SocketServer>> SocketServer::listen(const std::string& path, Handler handler) {
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  if (path.size() >= sizeof address.sun_path) return Status::invalid_argument("socket path too long: " + path);
  std::memcpy(address.sun_path, path.c_str(), path.size() + 1);
  int listener = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (listener < 0) return Status::from_errno(errno, "creating a unix socket");
  if (::bind(listener, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 || ::listen(listener, 64) != 0 ||
      ::chmod(path.c_str(), 0666) != 0) {  // the sandbox user connects; the directory is the run's alone
    int error = errno;
    ::close(listener);
    return Status::from_errno(error, "listening on " + path);
  }
  int wake[2];
  if (::pipe2(wake, O_CLOEXEC) != 0) {
    int error = errno;
    ::close(listener);
    return Status::from_errno(error, "creating a pipe");
  }
  return std::unique_ptr<SocketServer>(new SocketServer(listener, wake[0], wake[1], path, std::move(handler)));
}

SocketServer::SocketServer(int listener, int wake_read, int wake_write, std::string path, Handler handler)
    : listener_(listener),
      wake_read_(wake_read),
      wake_write_(wake_write),
      path_(std::move(path)),
      handler_(std::move(handler)) {
  acceptor_ = std::thread([this] { accept_loop(); });
}

SocketServer::~SocketServer() { stop(); }

void SocketServer::accept_loop() {
  pollfd fds[2] = {{listener_, POLLIN, 0}, {wake_read_, POLLIN, 0}};
  for (;;) {
    if (::poll(fds, 2, -1) < 0 && errno != EINTR) return;
    if (fds[1].revents) return;
    if (!(fds[0].revents & POLLIN)) continue;
    int fd = ::accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;
    join_finished();
    MutexLock lock(mutex_);
    if (stopped_) {
      ::close(fd);
      return;
    }
    Connection& connection = connections_.emplace_back();
    connection.fd = fd;
    connection.thread = std::thread([this, &connection] {
      // A duplicate, so the number stays ours after the handler closes its socket.
      handler_(connection.fd, [this, &connection](int upstream) {
        MutexLock lock(mutex_);
        if (stopped_) ::shutdown(upstream, SHUT_RDWR);
        connection.upstreams.push_back(::fcntl(upstream, F_DUPFD_CLOEXEC, 0));
      });
      // Closed now, not at the next accept: the peer must see the end at once.
      MutexLock lock(mutex_);
      for (int upstream : connection.upstreams) ::close(upstream);
      connection.upstreams.clear();
      ::close(connection.fd);
      connection.fd = -1;
      connection.done = true;
    });
  }
}

void SocketServer::join_finished() {
  std::list<Connection> finished;
  {
    MutexLock lock(mutex_);
    for (auto it = connections_.begin(); it != connections_.end();) {
      auto next = std::next(it);
      if (it->done) finished.splice(finished.end(), connections_, it);
      it = next;
    }
  }
  for (Connection& connection : finished) connection.thread.join();
}

void SocketServer::stop() {
  {
    MutexLock lock(mutex_);
    if (stopped_) return;
    stopped_ = true;
    for (Connection& connection : connections_) {
      if (connection.fd >= 0) ::shutdown(connection.fd, SHUT_RDWR);
      for (int upstream : connection.upstreams) ::shutdown(upstream, SHUT_RDWR);
    }
  }
  char byte = 0;
  (void)!::write(wake_write_, &byte, 1);
  acceptor_.join();  // no connection is added after this
  std::list<Connection> open;
  {
    MutexLock lock(mutex_);
    open.splice(open.end(), connections_);  // the nodes, and so the threads' references, stay
  }
  for (Connection& connection : open) connection.thread.join();
  ::close(listener_);
  ::close(wake_read_);
  ::close(wake_write_);
  ::unlink(path_.c_str());
}

}  // namespace corral::runner
