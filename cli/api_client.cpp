#include "cli/api_client.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <nlohmann/json.hpp>

#include "core/url.h"

namespace corral::cli {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;

Code code_from_name(const std::string& name) {
  for (Code code :
       {Code::kInvalidArgument, Code::kNotFound, Code::kAlreadyExists, Code::kFailedPrecondition,
        Code::kPermissionDenied, Code::kUnauthenticated, Code::kIo, Code::kTimeout, Code::kBusy, Code::kCorrupt}) {
    if (code_name(code) == name) return code;
  }
  return Code::kInternal;
}

Status status_from(Code code, std::string message) {
  switch (code) {
    case Code::kInvalidArgument:
      return Status::invalid_argument(std::move(message));
    case Code::kNotFound:
      return Status::not_found(std::move(message));
    case Code::kAlreadyExists:
      return Status::already_exists(std::move(message));
    case Code::kFailedPrecondition:
      return Status::failed_precondition(std::move(message));
    case Code::kPermissionDenied:
      return Status::permission_denied(std::move(message));
    case Code::kUnauthenticated:
      return Status::unauthenticated(std::move(message));
    case Code::kTimeout:
      return Status::timeout(std::move(message));
    case Code::kBusy:
      return Status::busy(std::move(message));
    case Code::kIo:
      return Status::io(std::move(message));
    default:
      return Status::internal(std::move(message));
  }
}

// Runs `exchange(stream)` on a connection to the endpoint: a unix socket, a
// TCP socket, or TLS over TCP with the daemon's certificate verified (against
// `ca_file`, else the system's CAs) for the endpoint's host name.
template <typename Exchange>
auto with_connection(const std::string& endpoint, const std::string& ca_file, Exchange exchange)
    -> decltype(exchange(std::declval<asio::ip::tcp::socket&>())) {
  asio::io_context io;
  beast::error_code error;
  if (endpoint.rfind("unix:", 0) == 0) {
    std::string path = endpoint.substr(5);
    asio::local::stream_protocol::socket socket(io);
    socket.connect(asio::local::stream_protocol::endpoint(path), error);
    if (error) return Status::failed_precondition("the corral daemon is not running (nothing answers at " + path + ")");
    return exchange(socket);
  }
  auto url = parse_url(endpoint);
  bool usable = url.is_ok() && (url->scheme == "http" || url->scheme == "https") && url->path == "/" &&
                url->query.empty() && !url->has_userinfo && !url->has_fragment;
  if (!usable) {
    return Status::invalid_argument("API endpoint " + endpoint +
                                    " is neither unix:PATH nor http(s)://HOST[:PORT] (no path, user or query)");
  }
  std::string host = url->bare_host();
  asio::ip::tcp::resolver resolver(io);
  auto results = resolver.resolve(host, std::to_string(url->port), error);
  asio::ip::tcp::socket socket(io);
  if (!error) asio::connect(socket, results, error);
  if (error) return Status::failed_precondition("the corral daemon does not answer at " + endpoint);
  if (url->scheme == "http") return exchange(socket);
  ssl::context context(ssl::context::tls_client);
  context.set_verify_mode(ssl::verify_peer);
  if (ca_file.empty()) {
    context.set_default_verify_paths(error);
  } else {
    context.load_verify_file(ca_file, error);
  }
  if (error) return Status::invalid_argument("reading the CA certificates " + ca_file + ": " + error.message());
  ssl::stream<asio::ip::tcp::socket&> tls(socket, context);
  tls.set_verify_callback(ssl::host_name_verification(host));
  SSL_set_tlsext_host_name(tls.native_handle(), host.c_str());
  tls.handshake(ssl::stream_base::client, error);
  if (error)
    return Status::failed_precondition("TLS with the corral daemon at " + endpoint + " failed: " + error.message());
  return exchange(tls);
}

http::request<http::string_body> make_request(const std::string& method, const std::string& target,
                                              const std::string& body, const std::string& token) {
  http::request<http::string_body> request{http::string_to_verb(method), target, 11};
  request.set(http::field::host, "corral");
  if (!token.empty()) request.set(http::field::authorization, "Bearer " + token);
  if (!body.empty()) {
    request.set(http::field::content_type, "application/json");
    request.body() = body;
  }
  request.prepare_payload();
  return request;
}

}  // namespace

Result<nlohmann::json> ApiClient::call(const std::string& method, const std::string& target,
                                       const std::string& body) const {
  return with_connection(endpoint_, ca_file_, [&](auto& socket) -> Result<nlohmann::json> {
    beast::error_code error;
    auto request = make_request(method, target, body, token_);
    http::write(socket, request, error);
    beast::flat_buffer buffer;
    http::response<http::string_body> response;
    if (!error) http::read(socket, buffer, response, error);
    if (error) return Status::io("talking to the corral daemon: " + error.message());
    auto json = nlohmann::json::parse(response.body(), nullptr, false);
    if (json.is_discarded()) return Status::io("the corral daemon answered something that is not JSON");
    if (response.result_int() >= 300) {
      auto error_object = json.value("error", nlohmann::json::object());
      return status_from(code_from_name(error_object.value("code", "")),
                         error_object.value("message", "HTTP " + std::to_string(response.result_int())));
    }
    return json;
  });
}

Status ApiClient::follow(const std::string& target, const std::function<bool(const nlohmann::json&)>& on_event) const {
  return with_connection(endpoint_, ca_file_, [&](auto& socket) -> Status {
    beast::error_code error;
    auto request = make_request("GET", target, "", token_);
    http::write(socket, request, error);
    beast::flat_buffer buffer;
    http::response_parser<http::empty_body> parser;
    parser.skip(true);
    if (!error) http::read_header(socket, buffer, parser, error);
    if (error) return Status::io("talking to the corral daemon: " + error.message());
    if (parser.get().result_int() != 200) {
      return Status::failed_precondition("the corral daemon refused the event stream (HTTP " +
                                         std::to_string(parser.get().result_int()) + ")");
    }
    std::string pending(static_cast<const char*>(buffer.data().data()), buffer.data().size());
    char chunk[8192];
    for (;;) {
      size_t blank;
      while ((blank = pending.find("\n\n")) != std::string::npos) {
        std::string message = pending.substr(0, blank);
        pending.erase(0, blank + 2);
        size_t data = message.find("data: ");
        if (data == std::string::npos) continue;
        auto event = nlohmann::json::parse(message.substr(data + 6), nullptr, false);
        if (!event.is_discarded() && !on_event(event)) return Status::ok();
      }
      size_t n = socket.read_some(asio::buffer(chunk), error);
      if (error) return Status::io("the event stream ended: " + error.message());
      pending.append(chunk, n);
    }
  });
}

}  // namespace corral::cli
