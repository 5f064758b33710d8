#include "runner/gateways/egress_proxy.h"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <nlohmann/json.hpp>

#include <cassert>
#include <chrono>

#include "core/url.h"

#include "runner/byte_pump.h"
#include "runner/gateways/tcp_connect.h"

namespace corral::runner {
namespace {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using tcp = asio::ip::tcp;
using Local = asio::local::stream_protocol;

constexpr size_t kHeaderLimit = 64 * 1024;

void reply(Local::socket& client, int status, const std::string& reason_phrase, const nlohmann::json& body) {
  std::string text = body.dump();
  std::string response =
      "HTTP/1.1 " + std::to_string(status) + " " + reason_phrase +
      "\r\nContent-Type: application/json\r\nConnection: close\r\nContent-Length: " + std::to_string(text.size()) +
      "\r\n\r\n" + text;
  boost::system::error_code ignored;
  asio::write(client, asio::buffer(response), ignored);
}

// The request as the origin server must see it: origin-form target, the
// checked host as Host (another name on the same address is not a way
// around the allowlist), no proxy headers, one request per connection.
std::string origin_request(const http::request_parser<http::empty_body>::value_type& request, const std::string& target,
                           const policy::UrlDecision& decided) {
  std::string head = std::string(request.method_string()) + " " + target + " HTTP/1.1\r\n";
  for (const auto& field : request) {
    std::string name(field.name_string());
    std::string lower = name;
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (lower.rfind("proxy-", 0) == 0 || lower == "connection" || lower == "keep-alive" || lower == "host") continue;
    head += name + ": " + std::string(field.value()) + "\r\n";
  }
  head += "Host: " + decided.host + (decided.port == 80 ? "" : ":" + std::to_string(decided.port)) + "\r\n";
  return head + "Connection: close\r\n\r\n";
}

// The path and query of a URL the policy accepted, read by the parser that
// checked it (core/url.h), never split again by hand.
std::string origin_form_of(const std::string& checked_url) {
  auto url = parse_url(checked_url);
  assert(url.is_ok() && "policy::check_url accepted it with the same parser");
  return url.is_ok() ? url->origin_form() : "/";
}

class EgressConnection {
 public:
  EgressConnection(int fd, const SocketServer::AlsoStop& also_stop, const EgressPolicy& policy, const EmitEvent& emit)
      : client_(io_), upstream_(io_), also_stop_(also_stop), policy_(policy), emit_(emit) {
    client_.assign(Local(), ::dup(fd));  // the server closes `fd`; Asio closes its own copy
  }

  void serve() {
    http::request_parser<http::empty_body> parser;
    parser.header_limit(kHeaderLimit);
    boost::system::error_code ec;
    http::read_header(client_, buffer_, parser, ec);
    if (ec) {
      reply(client_, 400, "Bad Request", {{"error", "bad_proxy_request"}, {"reason", ec.message()}});
      return;
    }
    const auto& request = parser.get();
    method_ = std::string(request.method_string());
    bool tunnel = request.method() == http::verb::connect;
    std::string target(request.target());
    std::string url = tunnel ? "https://" + target + "/" : target;
    if (!tunnel && target.rfind("http://", 0) != 0 && target.rfind("https://", 0) != 0) {
      deny(target, 0, "not_a_proxy_request", "the proxy takes CONNECT or an absolute http:// URL");
      return;
    }
    policy::UrlPolicy urls = policy_.urls;
    urls.enforcement = policy::Enforcement::kBlock;  // egress is never flag-only
    urls.resolve = [this](const std::string& host) { return resolve_host(host, policy_.fixed_hosts); };
    policy::UrlDecision decided = policy::check_url(url, urls);
    if (decided.decision.verdict != policy::Verdict::kAllow) {
      deny(decided.host.empty() ? target : decided.host, decided.port, decided.decision.rule, decided.decision.reason);
      return;
    }
    if (!tunnel && decided.scheme != "http") {
      deny(decided.host, decided.port, "scheme_not_allowed", "https goes through CONNECT, not as a plain request");
      return;
    }
    std::string address = connect(decided);
    if (address.empty()) {
      reply(client_, 502, "Bad Gateway", {{"error", "egress_unreachable"}, {"host", decided.host}});
      emit_("egress.denied", {{"host", decided.host},
                              {"port", decided.port},
                              {"method", method_},
                              {"rule", "unreachable"},
                              {"reason", "no pinned address accepted a connection"}});
      return;
    }
    auto started = std::chrono::steady_clock::now();
    std::string opening = tunnel ? "HTTP/1.1 200 Connection Established\r\n\r\n"
                                 : origin_request(request, origin_form_of(target), decided);
    boost::system::error_code write_error;
    if (tunnel) {
      asio::write(client_, asio::buffer(opening), write_error);
    } else {
      asio::write(upstream_, asio::buffer(opening), write_error);
    }
    // Bytes the client sent after the head (a body, a TLS hello) go first.
    if (!write_error && buffer_.size() > 0) asio::write(upstream_, buffer_.data(), write_error);
    PumpedBytes moved;
    if (!write_error) moved = pump_both_ways(client_.native_handle(), upstream_.native_handle());
    moved.a_to_b += buffer_.size() + (tunnel ? 0 : opening.size());
    auto ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
    emit_("egress.allowed", {{"host", decided.host},
                             {"port", decided.port},
                             {"address", address},
                             {"method", method_},
                             {"bytes_sent", moved.a_to_b},
                             {"bytes_received", moved.b_to_a},
                             {"ms", static_cast<int64_t>(ms)}});
  }

 private:
  void deny(const std::string& host, int port, const std::string& rule, const std::string& reason) {
    reply(client_, 403, "Forbidden", {{"error", "egress_denied"}, {"rule", rule}, {"reason", reason}});
    emit_("egress.denied", {{"host", host}, {"port", port}, {"method", method_}, {"rule", rule}, {"reason", reason}});
  }

  // Connects to the first pinned address that answers; returns it ("" if none).
  std::string connect(const policy::UrlDecision& decided) {
    std::vector<tcp::endpoint> endpoints;
    for (const std::string& pinned : decided.pinned) {
      boost::system::error_code ec;
      auto address = asio::ip::make_address(pinned, ec);
      if (!ec) endpoints.emplace_back(address, static_cast<unsigned short>(decided.port));
    }
    if (connect_first(upstream_, endpoints, also_stop_)) return "";
    boost::system::error_code ec;
    return upstream_.remote_endpoint(ec).address().to_string();
  }

  asio::io_context io_;
  Local::socket client_;
  tcp::socket upstream_;
  boost::beast::flat_buffer buffer_;
  std::string method_;
  const SocketServer::AlsoStop& also_stop_;
  const EgressPolicy& policy_;
  const EmitEvent& emit_;
};

}  // namespace

void serve_egress(int fd, const SocketServer::AlsoStop& also_stop, const EgressPolicy& policy, const EmitEvent& emit) {
  EgressConnection(fd, also_stop, policy, emit).serve();
}

}  // namespace corral::runner
