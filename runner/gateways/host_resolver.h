// Names to addresses for the egress proxy, resolved once per connection (the
// policy pins what it checked). Fixed entries come first: an operator's own
// names for the proxy (an internal mirror, a test server), like /etc/hosts but
// for the proxy alone; then the system resolver.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace corral::runner {

using FixedHosts = std::map<std::string, std::vector<std::string>>;

// Addresses as text (IPv4 dotted, IPv6 without brackets); empty if none.
std::vector<std::string> resolve_host(const std::string& host, const FixedHosts& fixed);

}  // namespace corral::runner
