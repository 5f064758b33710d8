#include "runner/gateways/host_resolver.h"

#include <arpa/inet.h>
#include <netdb.h>

#include <algorithm>

namespace corral::runner {

std::vector<std::string> resolve_host(const std::string& host, const FixedHosts& fixed) {
  auto entry = fixed.find(host);
  if (entry != fixed.end()) return entry->second;
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (::getaddrinfo(host.c_str(), nullptr, &hints, &found) != 0) return {};
  std::vector<std::string> addresses;
  for (addrinfo* it = found; it; it = it->ai_next) {
    char text[INET6_ADDRSTRLEN] = {};
    const void* raw = it->ai_family == AF_INET
                          ? static_cast<const void*>(&reinterpret_cast<sockaddr_in*>(it->ai_addr)->sin_addr)
                          : static_cast<const void*>(&reinterpret_cast<sockaddr_in6*>(it->ai_addr)->sin6_addr);
    if (::inet_ntop(it->ai_family, raw, text, sizeof text) &&
        std::find(addresses.begin(), addresses.end(), text) == addresses.end()) {
      addresses.emplace_back(text);
    }
  }
  ::freeaddrinfo(found);
  return addresses;
}

}  // namespace corral::runner
