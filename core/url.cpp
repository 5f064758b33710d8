#include "core/url.h"

#include <curl/curl.h>

#include <memory>

namespace corral {
namespace {

struct UrlFreer {
  void operator()(CURLU* url) const { curl_url_cleanup(url); }
};

// One part of a parsed URL, or "" when it has none.
std::string part(CURLU* url, CURLUPart which, unsigned flags = 0) {
  char* value = nullptr;
  if (curl_url_get(url, which, &value, flags) != CURLUE_OK || !value) return "";
  std::string out(value);
  curl_free(value);
  return out;
}

bool all_digits(std::string_view text) {
  return !text.empty() && text.find_first_not_of("0123456789") == std::string_view::npos;
}

}  // namespace

Result<Url> parse_url(std::string_view text) {
  std::string input(text);
  if (input.find('\0') != std::string::npos) return Status::invalid_argument("a URL holds a NUL byte");
  std::unique_ptr<CURLU, UrlFreer> url(curl_url());
  if (!url) return Status::internal("libcurl could not allocate a URL");
  CURLUcode code = curl_url_set(url.get(), CURLUPART_URL, input.c_str(), CURLU_NON_SUPPORT_SCHEME);
  if (code != CURLUE_OK) {
    return Status::invalid_argument("'" + input + "' is not a URL (" + curl_url_strerror(code) + ")");
  }
  Url out;
  out.scheme = part(url.get(), CURLUPART_SCHEME);
  out.host = part(url.get(), CURLUPART_HOST);
  std::string port = part(url.get(), CURLUPART_PORT, CURLU_DEFAULT_PORT);
  out.port = port.empty() ? 0 : std::stoi(port);  // libcurl has checked it: digits, 0..65535
  out.explicit_port = !part(url.get(), CURLUPART_PORT).empty();
  out.default_port = part(url.get(), CURLUPART_PORT, CURLU_NO_DEFAULT_PORT).empty();
  out.path = part(url.get(), CURLUPART_PATH);
  if (out.path.empty()) out.path = "/";
  out.query = part(url.get(), CURLUPART_QUERY);
  out.has_userinfo = !part(url.get(), CURLUPART_USER).empty() || !part(url.get(), CURLUPART_PASSWORD).empty();
  out.has_fragment = !part(url.get(), CURLUPART_FRAGMENT).empty();
  return out;
}

Result<HostPort> parse_host_port(std::string_view text, std::string_view what) {
  std::string given(text);
  auto wrong = [&](const std::string& why) {
    return Status::invalid_argument(std::string(what) + " wants HOST:PORT or [IPV6]:PORT, got '" + given + "': " + why);
  };
  size_t colon = given.rfind(':');
  if (colon == std::string::npos || colon + 1 == given.size()) return wrong("no port");
  std::string digits = given.substr(colon + 1);
  if (!all_digits(digits) || digits.size() > 5 || std::stoi(digits) > 65535) return wrong("the port is not 0..65535");
  if (given.find_first_of("/?#@ \t") != std::string::npos) return wrong("it holds more than a host and a port");
  // The host as libcurl reads it (port 0, which picks a free port, is ours to read).
  auto url = parse_url("http://" + given.substr(0, colon) + "/");
  if (!url.is_ok() || url->explicit_port) return wrong("not a host and port");
  std::string host = url->bare_host();
  if (host.empty()) return wrong("no host");
  return HostPort{host, std::stoi(digits)};
}

}  // namespace corral
