// A client of the daemon's HTTP API, for the CLI and tests: synchronous, one
// connection per call, over the daemon's unix socket or TCP.
#pragma once

#include <nlohmann/json_fwd.hpp>

#include <functional>
#include <string>

#include "core/status.h"

namespace corral::cli {

class ApiClient {
 public:
  // endpoint: "unix:PATH" or "http://HOST:PORT". token: "" to rely on the
  // socket's peer credentials.
  ApiClient(std::string endpoint, std::string token) : endpoint_(std::move(endpoint)), token_(std::move(token)) {}

  // The response body as JSON when the status is 2xx; otherwise the API's
  // error as a Status with the same code and message. body "" sends none.
  Result<nlohmann::json> call(const std::string& method, const std::string& target, const std::string& body = "") const;

  // Follows a server-sent event stream; on_event gets each event's JSON and
  // returns false to stop.
  Status follow(const std::string& target, const std::function<bool(const nlohmann::json&)>& on_event) const;

 private:
  std::string endpoint_;
  std::string token_;
};

}  // namespace corral::cli
