#include "containers/docker_http.h"

#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>

namespace corral::containers {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using Socket = asio::local::stream_protocol::socket;

constexpr uint64_t kBodyLimit = 64 << 20;  // the engine's JSON answers are far smaller

Status connect_error(const beast::error_code& error, const std::string& path) {
  namespace errc = boost::system::errc;
  if (error == errc::no_such_file_or_directory || error == errc::connection_refused || error == errc::not_a_socket) {
    return Status::failed_precondition("the Docker engine is not running (nothing answers at " + path + ")");
  }
  if (error == errc::permission_denied || error == errc::operation_not_permitted) {
    return Status::permission_denied("permission denied on the Docker socket " + path);
  }
  return Status::io("connecting to the Docker engine at " + path + ": " + error.message());
}

Status io_error(const beast::error_code& error, const std::string& what) {
  if (error == asio::error::would_block || error == asio::error::timed_out || error == asio::error::try_again) {
    return Status::timeout("the Docker engine did not answer " + what + " in time");
  }
  return Status::io("talking to the Docker engine (" + what + "): " + error.message());
}

void set_timeouts(Socket& socket, std::chrono::milliseconds timeout) {
  timeval tv{};
  tv.tv_sec = static_cast<time_t>(timeout.count() / 1000);
  tv.tv_usec = static_cast<suseconds_t>((timeout.count() % 1000) * 1000);
  ::setsockopt(socket.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  ::setsockopt(socket.native_handle(), SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
}

http::request<http::string_body> make_request(std::string_view method, const std::string& target,
                                              const std::string& body) {
  http::request<http::string_body> request{http::string_to_verb(beast::string_view(method.data(), method.size())),
                                           target, 11};
  request.set(http::field::host, "docker");
  request.set(http::field::user_agent, "corral");
  if (!body.empty()) {
    request.set(http::field::content_type, "application/json");
    request.body() = body;
  }
  request.prepare_payload();
  return request;
}

template <typename Message>
std::map<std::string, std::string> headers_of(const Message& message) {
  std::map<std::string, std::string> headers;
  for (const auto& field : message) {
    std::string name(field.name_string());
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    headers[name] = std::string(field.value());
  }
  return headers;
}

}  // namespace

Result<HttpResponse> DockerHttp::request(std::string_view method, const std::string& target,
                                         const std::string& json_body, std::chrono::milliseconds timeout) const {
  asio::io_context io;
  Socket socket(io);
  beast::error_code error;
  socket.connect(asio::local::stream_protocol::endpoint(socket_path_), error);
  if (error) return connect_error(error, socket_path_);
  set_timeouts(socket, timeout);
  auto request = make_request(method, target, json_body);
  http::write(socket, request, error);
  if (error) return io_error(error, std::string(method) + " " + target);
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(kBodyLimit);
  http::read(socket, buffer, parser, error);
  if (error) return io_error(error, std::string(method) + " " + target);
  const auto& response = parser.get();
  return HttpResponse{static_cast<int>(response.result_int()), response.body(), headers_of(response)};
}

Result<HijackedStream> DockerHttp::hijack(const std::string& target) const {
  asio::io_context io;
  Socket socket(io);
  beast::error_code error;
  socket.connect(asio::local::stream_protocol::endpoint(socket_path_), error);
  if (error) return connect_error(error, socket_path_);
  set_timeouts(socket, std::chrono::seconds(30));
  auto request = make_request("POST", target, "");
  request.set(http::field::connection, "Upgrade");
  request.set(http::field::upgrade, "tcp");
  http::write(socket, request, error);
  if (error) return io_error(error, "attach");
  beast::flat_buffer buffer;
  http::response_parser<http::empty_body> parser;
  parser.skip(true);  // the "body" is the raw stream that follows
  http::read_header(socket, buffer, parser, error);
  if (error) return io_error(error, "attach");
  int status = static_cast<int>(parser.get().result_int());
  if (status != 101 && status != 200) {
    return Status::failed_precondition("the Docker engine refused to attach (HTTP " + std::to_string(status) + ")");
  }
  HijackedStream stream;
  auto leftover = buffer.data();
  stream.already_read.assign(static_cast<const char*>(leftover.data()), leftover.size());
  stream.fd = UniqueFd(::dup(socket.native_handle()));
  if (stream.fd.get() < 0) return Status::from_errno(errno, "keeping the attach stream");
  timeval none{};
  ::setsockopt(stream.fd.get(), SOL_SOCKET, SO_RCVTIMEO, &none, sizeof none);
  return stream;
}

}  // namespace corral::containers
