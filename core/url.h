// URLs, read by one parser for the whole program: libcurl's URL API (the
// parser of the HTTP client the agents' traffic is checked for), so what one
// part of corral checked is exactly what another part sends.
#pragma once

#include <string>
#include <string_view>

#include "core/status.h"

namespace corral {

struct Url {
  std::string scheme;  // lower case: "https"
  std::string host;    // as written, IPv6 in brackets: "[::1]"
  int port = 0;        // the URL's port, else the scheme's default (0 if none)
  bool explicit_port = false;
  bool default_port = true;  // the port is the scheme's own, written or not ("http://h:80/" too)
  std::string path;          // "/" when the URL has none
  std::string query;         // without the '?', "" for none
  bool has_userinfo = false;
  bool has_fragment = false;

  // The host to resolve or verify: an IPv6 address without its brackets.
  std::string bare_host() const {
    return host.size() > 2 && host.front() == '[' && host.back() == ']' ? host.substr(1, host.size() - 2) : host;
  }
  // The request target an origin server is sent: path and query.
  std::string origin_form() const { return query.empty() ? path : path + "?" + query; }
};

// Parses an absolute URL of any scheme; invalid_argument saying why it is none.
Result<Url> parse_url(std::string_view text);

struct HostPort {
  std::string host;  // an IPv6 address without its brackets
  int port = 0;
};

// "HOST:PORT" or "[IPV6]:PORT", strictly: the port is 0..65535 in digits and
// nothing else may follow. `what` names the setting in the error.
Result<HostPort> parse_host_port(std::string_view text, std::string_view what);

}  // namespace corral
