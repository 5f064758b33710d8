#include "runner/supervisor/relay.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <thread>

#include "core/key_value.h"
#include "runner/byte_pump.h"
#include "runner/fd_io.h"

namespace corral::supervisor {
namespace {

// The relay ends the connection when either side is done with both ways.
void relay(int client, int upstream) {
  runner::pump_both_ways(client, upstream);
  ::close(client);
  ::close(upstream);
}

void serve(int listener, std::string socket_path) {
  for (;;) {
    int client = ::accept4(listener, nullptr, nullptr, SOCK_CLOEXEC);
    if (client < 0) {
      if (errno == EINTR || errno == ECONNABORTED) continue;
      return;
    }
    int upstream = runner::connect_unix(socket_path);
    if (upstream < 0) {
      ::close(client);  // corral's side is gone: the connection is refused, never bypassed
      continue;
    }
    // Detached on purpose, and only here, in the sandbox's PID 1: a relay
    // lives until either side closes or the sandbox ends, and nothing waits
    // for it (the daemon's threads are all joined; ARCHITECTURE.md, Threads).
    std::thread(relay, client, upstream).detach();
  }
}

}  // namespace

bool parse_relay(const std::string& text, RelaySpec& relay) {
  auto pair = split_key_value(text);
  auto port = pair ? parse_whole_number(pair->key) : std::nullopt;
  if (!port || *port < 1 || *port > 65535 || pair->value.empty()) return false;
  relay.port = static_cast<int>(*port);
  relay.socket_path = pair->value;
  return true;
}

std::string start_relays(const std::vector<RelaySpec>& relays) {
  for (const RelaySpec& relay : relays) {
    int listener = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int yes = 1;
    ::setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<uint16_t>(relay.port));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (listener < 0 || ::bind(listener, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
        ::listen(listener, 64) != 0) {
      return "cannot listen on 127.0.0.1:" + std::to_string(relay.port) + ": " + std::strerror(errno);
    }
    std::thread(serve, listener, relay.socket_path).detach();  // for the sandbox's life (above)
  }
  return "";
}

}  // namespace corral::supervisor
