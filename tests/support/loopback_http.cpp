#include "tests/support/loopback_http.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace corral::testing {

std::string LoopbackHttpServer::answer() {
  return "HTTP/1.1 200 OK\r\nContent-Length: 19\r\nConnection: close\r\n\r\nhello from the host";
}

int listen_on_loopback(int* port) {
  int listener = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(listener, reinterpret_cast<sockaddr*>(&address), sizeof address);
  ::listen(listener, 16);
  socklen_t size = sizeof address;
  ::getsockname(listener, reinterpret_cast<sockaddr*>(&address), &size);
  *port = ntohs(address.sin_port);
  return listener;
}

LoopbackHttpServer::LoopbackHttpServer() {
  listener_ = listen_on_loopback(&port_);
  thread_ = std::thread([this] {
    for (;;) {
      int client = ::accept(listener_, nullptr, nullptr);
      if (client < 0) return;
      ++connections_;
      char buffer[4096];
      ssize_t got = ::recv(client, buffer, sizeof buffer, 0);
      if (got > 0) {
        std::lock_guard lock(mutex_);
        seen_.emplace_back(buffer, static_cast<size_t>(got));
        ++requests_;
      }
      std::string reply = answer();
      (void)!::send(client, reply.data(), reply.size(), MSG_NOSIGNAL);
      ::close(client);
    }
  });
}

std::vector<std::string> LoopbackHttpServer::seen() const {
  std::lock_guard lock(mutex_);
  return seen_;
}

LoopbackHttpServer::~LoopbackHttpServer() {
  ::shutdown(listener_, SHUT_RDWR);
  ::close(listener_);
  thread_.join();
}

}  // namespace corral::testing
