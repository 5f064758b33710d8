// HTTP/1.1 to the Docker Engine over its unix socket (internal to
// containers/). The only file that includes Boost.Beast is docker_http.cpp.
#pragma once

#include <chrono>
#include <map>
#include <string>
#include <string_view>

#include "containers/process.h"
#include "core/status.h"

namespace corral::containers {

struct HttpResponse {
  int status = 0;
  std::string body;
  std::map<std::string, std::string> headers;  // names lower-cased
};

// A connection the engine handed over to raw bytes (attach): the socket, and
// what was already read past the response headers.
struct HijackedStream {
  UniqueFd fd;
  std::string already_read;
};

class DockerHttp {
 public:
  explicit DockerHttp(std::string socket_path) : socket_path_(std::move(socket_path)) {}

  const std::string& socket_path() const { return socket_path_; }

  // One request on a fresh connection. Errors say what failed: no engine
  // behind the socket, permission denied on it, a timeout, a broken reply.
  Result<HttpResponse> request(std::string_view method, const std::string& target, const std::string& json_body = "",
                               std::chrono::milliseconds timeout = std::chrono::seconds(60)) const;

  // Sends the request asking to upgrade the connection to a raw stream; ok
  // once the engine answered 101 (or 200) with headers.
  Result<HijackedStream> hijack(const std::string& target) const;

 private:
  std::string socket_path_;
};

}  // namespace corral::containers
