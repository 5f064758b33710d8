// The supervisor's relays: loopback ports inside the sandbox that lead to
// unix sockets corral listens on (the egress proxy, the LLM gateway). The
// sandbox has no network but loopback, so these are its only ways out, and
// each one ends at a gateway that checks what passes.
#pragma once

#include <string>
#include <vector>

namespace corral::supervisor {

struct RelaySpec {
  int port = 0;
  std::string socket_path;
};

// "PORT=SOCKET_PATH"; false if malformed.
bool parse_relay(const std::string& text, RelaySpec& relay);

// Binds every 127.0.0.1 port now (an error message if one cannot be bound),
// then relays each accepted connection to a fresh connection to its socket on
// threads of their own, for the life of the process.
std::string start_relays(const std::vector<RelaySpec>& relays);

}  // namespace corral::supervisor
