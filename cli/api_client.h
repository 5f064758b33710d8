// A client of the daemon's HTTP API, for the CLI and tests: synchronous, one
// connection per call, over the daemon's unix socket, TCP or TLS.
#pragma once

#include <nlohmann/json_fwd.hpp>

#include <functional>
#include <string>

#include "core/status.h"

namespace corral::cli {

class ApiClient {
 public:
  // endpoint: "unix:PATH", "http://HOST:PORT" or "https://HOST:PORT" (the
  // daemon's certificate checked against `ca_file`, else the system's CAs).
  // token: "" to rely on the unix socket's peer credentials.
  ApiClient(std::string endpoint, std::string token, std::string ca_file = "")
      : endpoint_(std::move(endpoint)), token_(std::move(token)), ca_file_(std::move(ca_file)) {}

  // The response body as JSON when the status is 2xx; otherwise the API's
  // error as a Status with the same code and message. body "" sends none.
  Result<nlohmann::json> call(const std::string& method, const std::string& target, const std::string& body = "") const;

  // Follows a server-sent event stream; on_event gets each event's JSON and
  // returns false to stop.
  Status follow(const std::string& target, const std::function<bool(const nlohmann::json&)>& on_event) const;

 private:
  std::string endpoint_;
  std::string token_;
  std::string ca_file_;
};

}  // namespace corral::cli
