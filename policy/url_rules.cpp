#include "policy/url_rules.h"

#include <algorithm>

#include "core/url.h"
#include "policy/network_address.h"

namespace corral::policy {
namespace {

std::string normalize_host(std::string host) {
  std::transform(host.begin(), host.end(), host.begin(), [](unsigned char c) { return std::tolower(c); });
  while (!host.empty() && host.back() == '.') host.pop_back();
  return host;
}

}  // namespace

bool host_allowed(const std::string& host, const std::vector<std::string>& allowed) {
  for (const std::string& raw : allowed) {
    std::string entry = normalize_host(raw);
    if (entry.rfind("*.", 0) == 0) {
      std::string suffix = entry.substr(1);  // ".example.com"
      if (host.size() > suffix.size() && host.compare(host.size() - suffix.size(), suffix.size(), suffix) == 0)
        return true;
    } else if (host == entry) {
      return true;
    }
  }
  return false;
}

UrlDecision check_url(std::string_view text, const UrlPolicy& policy) {
  const Enforcement e = policy.enforcement;
  UrlDecision out;
  std::string input(text);
  if (input.find('\0') != std::string::npos || input.find_first_of(" \t\r\n") != std::string::npos) {
    out.decision = fired(e, "invalid_url", "the URL holds whitespace or a NUL byte");
    return out;
  }
  // core/url.h: the parser the egress proxy reads the same URL with.
  auto url = parse_url(input);
  if (!url.is_ok()) {
    out.decision = fired(e, "invalid_url", "'" + input + "' is not a URL an HTTP client would accept");
    return out;
  }
  out.scheme = normalize_host(url->scheme);
  out.host = normalize_host(url->host);
  out.port = url->port;
  if (std::find(policy.schemes.begin(), policy.schemes.end(), out.scheme) == policy.schemes.end()) {
    out.decision = fired(e, "scheme_not_allowed", "scheme '" + out.scheme + "' is not allowed");
    return out;
  }
  if (url->has_userinfo) {
    out.decision = fired(e, "userinfo", "a user or password in the URL (the host is '" + out.host + "')");
    return out;
  }
  bool default_port = url->default_port;
  bool listed_port =
      std::find(policy.extra_ports.begin(), policy.extra_ports.end(), out.port) != policy.extra_ports.end();
  if (!default_port && !listed_port) {
    out.decision = fired(e, "port_not_allowed", "port " + std::to_string(out.port) + " is not allowed");
    return out;
  }
  bool literal = parse_ip(out.host).has_value();
  if (literal &&
      std::find(policy.allowed_hosts.begin(), policy.allowed_hosts.end(), out.host) == policy.allowed_hosts.end()) {
    out.decision = fired(e, "ip_literal", "'" + out.host + "' is an address, not an allowlisted name");
    return out;
  }
  if (!literal && !host_allowed(out.host, policy.allowed_hosts)) {
    out.decision = fired(e, "host_not_allowed", "'" + out.host + "' is not on the allowlist");
    return out;
  }
  std::vector<std::string> addresses = literal ? std::vector<std::string>{out.host} : std::vector<std::string>{};
  if (!literal && policy.resolve) {
    addresses = policy.resolve(out.host);
    if (addresses.empty()) {
      out.decision = fired(e, "unresolvable", "'" + out.host + "' does not resolve");
      return out;
    }
  }
  bool internal_allowed = policy.allow_internal || (!literal && host_allowed(out.host, policy.internal_hosts));
  for (const std::string& address : addresses) {
    auto ip = parse_ip(address);
    AddressClass kind = ip ? classify(*ip) : AddressClass::kReserved;
    if (kind != AddressClass::kPublic && !internal_allowed) {
      out.decision = fired(e, "internal_address",
                           "'" + out.host + "' resolves to " + address + ", a " + class_name(kind) + " address");
      return out;
    }
  }
  out.pinned = addresses;
  out.decision = {Verdict::kAllow, "", "", out.scheme + "://" + out.host + ":" + std::to_string(out.port)};
  return out;
}

}  // namespace corral::policy
