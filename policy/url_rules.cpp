#include "policy/url_rules.h"

#include <curl/curl.h>

#include <algorithm>
#include <memory>

#include "policy/network_address.h"

namespace corral::policy {
namespace {

struct UrlFreer {
  void operator()(CURLU* url) const { curl_url_cleanup(url); }
};

// One part of a parsed URL ("" if it has none).
std::string part(CURLU* url, CURLUPart which, unsigned flags = 0) {
  char* value = nullptr;
  if (curl_url_get(url, which, &value, flags) != CURLUE_OK || !value) return "";
  std::string text(value);
  curl_free(value);
  return text;
}

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
  std::unique_ptr<CURLU, UrlFreer> url(curl_url());
  if (!url || curl_url_set(url.get(), CURLUPART_URL, input.c_str(), CURLU_NON_SUPPORT_SCHEME) != CURLUE_OK) {
    out.decision = fired(e, "invalid_url", "'" + input + "' is not a URL an HTTP client would accept");
    return out;
  }
  out.scheme = normalize_host(part(url.get(), CURLUPART_SCHEME));
  out.host = normalize_host(part(url.get(), CURLUPART_HOST));
  std::string port = part(url.get(), CURLUPART_PORT, CURLU_DEFAULT_PORT);
  out.port = port.empty() ? 0 : std::atoi(port.c_str());
  if (std::find(policy.schemes.begin(), policy.schemes.end(), out.scheme) == policy.schemes.end()) {
    out.decision = fired(e, "scheme_not_allowed", "scheme '" + out.scheme + "' is not allowed");
    return out;
  }
  if (!part(url.get(), CURLUPART_USER).empty() || !part(url.get(), CURLUPART_PASSWORD).empty()) {
    out.decision = fired(e, "userinfo", "a user or password in the URL (the host is '" + out.host + "')");
    return out;
  }
  bool default_port = part(url.get(), CURLUPART_PORT, CURLU_NO_DEFAULT_PORT).empty();
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
