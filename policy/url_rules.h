// URLs a tool call (or an egress request) names, checked against the run's
// allowlist. Parsed by libcurl's URL API, the rules a real HTTP client uses
// (so 0x7f.1, 2130706433 and 0177.0.0.1 are all 127.0.0.1, as curl would
// connect); then:
//
//   rule               what
//   invalid_url        not a URL an HTTP client would accept
//   scheme_not_allowed the scheme is not in the list (default: https)
//   noncanonical_url   not spelled the one way libcurl and a WHATWG parser read
//                      alike: one or three slashes after the scheme, a
//                      backslash or percent-encoding in the host part, an empty
//                      or zero-padded port, a trailing dot after the host, a
//                      byte in a host name other than ASCII letters, digits,
//                      '-', '_' and '.' (IDNs go in their xn-- form)
//   userinfo           a user or password in the URL ("https://allowed.com@evil.com")
//   port_not_allowed   not the scheme's default port nor a listed one
//   ip_literal         an address instead of a name (allowed only if listed exactly)
//   host_not_allowed   not an allowlisted host: exact ("api.example.com") or
//                      wildcard subdomain ("*.example.com": subdomains, not the apex)
//   unresolvable       the name does not resolve
//   internal_address   the name resolves (once; those addresses are pinned)
//                      to a loopback, private, link-local, metadata or other
//                      internal address, unless internal addresses are allowed
//                      (for all names, or for the names in internal_hosts)
//
// Hosts compare case-insensitively (allowlist entries may end in a dot; URLs
// may not). Pure but for the injected resolver.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "policy/tool_verdict.h"

namespace corral::policy {

struct UrlPolicy {
  std::vector<std::string> allowed_hosts;
  std::vector<std::string> schemes = {"https"};
  std::vector<int> extra_ports;  // besides each scheme's default
  bool allow_internal = false;
  // Hosts (exact or "*.") that may resolve to internal addresses: an owner's
  // own package mirror, say. Listed here, not allowed by allow_internal, so
  // one name does not open every internal address.
  std::vector<std::string> internal_hosts;
  Enforcement enforcement = Enforcement::kBlock;
  // The addresses `host` resolves to (text), empty if none. Unset: names are
  // not resolved (the allowlist alone decides).
  std::function<std::vector<std::string>(const std::string& host)> resolve;
};

struct UrlDecision {
  ToolDecision decision;
  std::string scheme, host;
  int port = 0;
  std::vector<std::string> pinned;  // the resolved addresses the connection must use
};

UrlDecision check_url(std::string_view url, const UrlPolicy& policy);

// True if `host` (lowercase, no trailing dot) matches an allowlist entry.
bool host_allowed(const std::string& host, const std::vector<std::string>& allowed);

}  // namespace corral::policy
