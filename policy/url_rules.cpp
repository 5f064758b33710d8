#include "policy/url_rules.h"

#include <cctype>

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

// Why `url` (which libcurl accepted) is not spelled the one way libcurl and a
// WHATWG parser (browsers, Node, most agents' fetch tools) both read alike,
// or "" when it is. Such a URL is refused, never normalised into an allow.
std::string noncanonical(std::string_view url) {
  size_t colon = url.find(':');
  std::string_view rest = url.substr(colon + 1);
  if (!rest.starts_with("//") || rest.size() < 3 || rest[2] == '/' || rest[2] == '\\') {
    return "the scheme is not followed by exactly two slashes";
  }
  std::string_view authority = rest.substr(2, rest.find_first_of("/?#", 2) - 2);
  if (authority.find('\\') != std::string_view::npos) {
    return "a backslash in the host part (a WHATWG parser reads it as '/')";
  }
  if (authority.find('%') != std::string_view::npos) return "percent-encoded characters in the host part";
  std::string_view host_port = authority.substr(authority.rfind('@') + 1);  // npos + 1 == 0
  size_t port_colon = host_port.starts_with('[') ? host_port.find("]:") : host_port.rfind(':');
  if (host_port.starts_with('[') && port_colon != std::string_view::npos) ++port_colon;
  std::string_view host = host_port.substr(0, port_colon);
  if (port_colon != std::string_view::npos) {
    std::string_view port = host_port.substr(port_colon + 1);
    if (port.empty()) return "an empty port";
    if (port.size() > 1 && port[0] == '0') return "a zero-padded port";
  }
  if (host.ends_with('.')) return "a trailing dot after the host";
  // A WHATWG parser maps, encodes or refuses anything else in a name (an
  // international name is written in its xn-- form); libcurl takes raw bytes.
  if (!host.starts_with('[')) {
    for (char c : host) {
      if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '.' && c != '_') {
        return "a character in the host name other than letters, digits, '-', '_' and '.'";
      }
    }
  }
  return "";
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
  if (std::string why = noncanonical(input); !why.empty()) {
    out.decision = fired(e, "noncanonical_url", "'" + input + "' is not spelled canonically: " + why);
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
