// A Docker Engine API client: the calls corral needs, with the engine's
// errors turned into clear Status messages. Version-negotiated at connect.
// Internal to containers/ (DockerBackend is the public face).
#pragma once

#include <nlohmann/json_fwd.hpp>

#include <chrono>
#include <memory>
#include <string>

#include "containers/docker_http.h"
#include "core/status.h"

namespace corral::containers {

// The engine's socket: $DOCKER_HOST if it is unix://PATH, else /var/run/docker.sock.
// invalid_argument for a DOCKER_HOST corral cannot use (tcp://, ssh://).
Result<std::string> docker_socket_path();

class DockerEngine {
 public:
  // Pings the engine and picks the API version both sides speak.
  static Result<std::unique_ptr<DockerEngine>> connect(const std::string& socket_path);

  const std::string& api_version() const { return api_version_; }
  Result<std::string> engine_version() const;  // e.g. "20.10.24"

  Status check_image(const std::string& image) const;
  Result<std::string> create(const std::string& name, const nlohmann::json& body) const;  // the id
  Result<HijackedStream> attach(const std::string& name) const;
  Status start(const std::string& name) const;
  // Blocks until the container is not running; its exit code.
  Result<int> wait(const std::string& name, std::chrono::milliseconds timeout) const;
  Result<nlohmann::json> inspect(const std::string& name) const;
  Status kill(const std::string& name, const char* signal = "KILL") const;
  Status remove(const std::string& name) const;  // forced; ok if already gone
  Result<nlohmann::json> list_with_label(const std::string& label_filter) const;

 private:
  DockerEngine(DockerHttp http, std::string api_version)
      : http_(std::move(http)), api_version_(std::move(api_version)) {}
  Result<HttpResponse> call(std::string_view method, const std::string& path, const std::string& body = "",
                            std::chrono::milliseconds timeout = std::chrono::seconds(60)) const;

  DockerHttp http_;
  std::string api_version_;
};

}  // namespace corral::containers
