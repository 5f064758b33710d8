#include "containers/docker_engine.h"

#include <nlohmann/json.hpp>

#include <cstdlib>

#include "containers/docker_config.h"
#include "core/url_encoding.h"

namespace corral::containers {
namespace {

// The newest API version corral speaks, and the oldest it accepts (20.10 engines
// speak 1.41; 1.40 brought the fields the hardened profile needs).
constexpr double kNewestApi = 1.41;
constexpr double kOldestApi = 1.40;

// The engine's error body is {"message": "..."}.
std::string engine_message(const HttpResponse& response) {
  auto body = nlohmann::json::parse(response.body, nullptr, false);
  if (body.is_object() && body.contains("message") && body["message"].is_string()) return body["message"];
  return "HTTP " + std::to_string(response.status);
}

Status engine_error(const HttpResponse& response, const std::string& what) {
  std::string msg = what + ": " + engine_message(response);
  switch (response.status) {
    case 404:
      return Status::not_found(std::move(msg));
    case 409:
      return Status::already_exists(std::move(msg));
    case 400:
      return Status::invalid_argument(std::move(msg));
    default:
      return Status::io(std::move(msg));
  }
}

Result<nlohmann::json> json_of(const HttpResponse& response, const std::string& what) {
  auto body = nlohmann::json::parse(response.body, nullptr, false);
  if (body.is_discarded()) return Status::io(what + ": the Docker engine answered something that is not JSON");
  return body;
}

}  // namespace

Result<std::string> docker_socket_path() {
  const char* host = std::getenv("DOCKER_HOST");
  if (!host || !*host) return std::string("/var/run/docker.sock");
  std::string value = host;
  if (value.rfind("unix://", 0) == 0) return value.substr(7);
  return Status::invalid_argument("DOCKER_HOST=" + value + " is not a unix:// socket, the only kind corral uses");
}

Result<std::unique_ptr<DockerEngine>> DockerEngine::connect(const std::string& socket_path) {
  DockerHttp http(socket_path);
  auto ping = http.request("GET", "/_ping", "", std::chrono::seconds(5));
  if (!ping.is_ok()) return ping.status();
  if (ping->status != 200) return Status::failed_precondition("the Docker engine at " + socket_path + " is not ready");
  double server = std::atof(ping->headers["api-version"].c_str());
  if (server < kOldestApi) {
    return Status::failed_precondition("the Docker engine speaks API " + ping->headers["api-version"] +
                                       "; corral needs 1.40 or newer");
  }
  char version[16];
  std::snprintf(version, sizeof version, "%.2f", std::min(server, kNewestApi));
  return std::unique_ptr<DockerEngine>(new DockerEngine(std::move(http), version));
}

Result<HttpResponse> DockerEngine::call(std::string_view method, const std::string& path, const std::string& body,
                                        std::chrono::milliseconds timeout) const {
  return http_.request(method, "/v" + api_version_ + path, body, timeout);
}

Result<std::string> DockerEngine::engine_version() const {
  auto response = call("GET", "/version");
  if (!response.is_ok()) return response.status();
  auto body = json_of(*response, "version");
  if (!body.is_ok()) return body.status();
  return body->value("Version", "unknown");
}

Status DockerEngine::check_image(const std::string& image) const {
  if (image.empty()) return Status::invalid_argument("the docker backend needs an image (--image)");
  auto response = call("GET", "/images/" + percent_encode(image) + "/json");
  if (!response.is_ok()) return response.status();
  if (response->status == 404) {
    return Status::not_found("image '" + image +
                             "' is not in the Docker engine (pull it, build it or docker import it)");
  }
  if (response->status != 200) return engine_error(*response, "inspecting image " + image);
  return Status::ok();
}

Result<std::string> DockerEngine::create(const std::string& name, const nlohmann::json& body) const {
  auto response = call("POST", "/containers/create?name=" + percent_encode(name), body.dump());
  if (!response.is_ok()) return response.status();
  if (response->status != 201) return engine_error(*response, "creating container " + name);
  auto created = json_of(*response, "create");
  if (!created.is_ok()) return created.status();
  return created->value("Id", "");
}

Result<HijackedStream> DockerEngine::attach(const std::string& name) const {
  return http_.hijack("/v" + api_version_ + "/containers/" + percent_encode(name) +
                      "/attach?stream=1&stdout=1&stderr=1");
}

Status DockerEngine::start(const std::string& name) const {
  auto response = call("POST", "/containers/" + percent_encode(name) + "/start");
  if (!response.is_ok()) return response.status();
  if (response->status != 204 && response->status != 304) return engine_error(*response, "starting " + name);
  return Status::ok();
}

Result<int> DockerEngine::wait(const std::string& name, std::chrono::milliseconds timeout) const {
  auto response = call("POST", "/containers/" + percent_encode(name) + "/wait?condition=not-running", "", timeout);
  if (!response.is_ok()) return response.status();
  if (response->status != 200) return engine_error(*response, "waiting for " + name);
  auto body = json_of(*response, "wait");
  if (!body.is_ok()) return body.status();
  return body->value("StatusCode", -1);
}

Result<nlohmann::json> DockerEngine::inspect(const std::string& name) const {
  auto response = call("GET", "/containers/" + percent_encode(name) + "/json");
  if (!response.is_ok()) return response.status();
  if (response->status != 200) return engine_error(*response, "inspecting " + name);
  return json_of(*response, "inspect");
}

Status DockerEngine::kill(const std::string& name, const char* signal) const {
  auto response = call("POST", "/containers/" + percent_encode(name) + "/kill?signal=" + signal);
  if (!response.is_ok()) return response.status();
  // 409: not running any more, which is what kill wanted.
  if (response->status != 204 && response->status != 409) return engine_error(*response, "killing " + name);
  return Status::ok();
}

Status DockerEngine::remove(const std::string& name) const {
  auto response = call("DELETE", "/containers/" + percent_encode(name) + "?force=1&v=1");
  if (!response.is_ok()) return response.status();
  if (response->status != 204 && response->status != 404) return engine_error(*response, "removing " + name);
  return Status::ok();
}

Result<nlohmann::json> DockerEngine::list_with_label(const std::string& label_filter) const {
  nlohmann::json filters = {{"label", {label_filter}}};
  auto response = call("GET", "/containers/json?all=1&filters=" + percent_encode(filters.dump()));
  if (!response.is_ok()) return response.status();
  if (response->status != 200) return engine_error(*response, "listing containers");
  return json_of(*response, "list");
}

}  // namespace corral::containers
