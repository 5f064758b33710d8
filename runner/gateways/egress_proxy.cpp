#include "runner/gateways/egress_proxy.h"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <nlohmann/json.hpp>

#include <cassert>

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

void reply(Local::socket& client, http::status status, const nlohmann::json& body) {
  http::response<http::string_body> answer{status, 11};
  answer.set(http::field::content_type, "application/json");
  answer.keep_alive(false);
  answer.body() = body.dump();
  answer.prepare_payload();
  boost::system::error_code ignored;
  http::write(client, answer, ignored);
}

bool is_proxy_header(const http::fields::value_type& field) {
  boost::beast::string_view name = field.name_string();
  return field.name() == http::field::connection || field.name() == http::field::keep_alive ||
         field.name() == http::field::host || (name.size() >= 6 && boost::beast::iequals(name.substr(0, 6), "proxy-"));
}

// The request as the origin server must see it: origin-form target, the
// checked host as Host (another name on the same address is not a way
// around the allowlist), no proxy headers, one request per connection. Only
// the head: the body, if any, follows as the client sends it.
http::request<http::empty_body> origin_request(const http::request<http::empty_body>& request,
                                               const std::string& target, const policy::UrlDecision& decided) {
  http::request<http::empty_body> origin{request.method(), target, 11};
  for (const auto& field : request) {
    if (!is_proxy_header(field)) origin.insert(field.name_string(), field.value());
  }
  origin.set(http::field::host, decided.host + (decided.port == 80 ? "" : ":" + std::to_string(decided.port)));
  origin.keep_alive(false);
  return origin;
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
  EgressConnection(int fd, const SocketServer::AlsoStop& also_stop, const EgressPolicy& policy, const EmitEvent& emit,
                   const Clock& clock)
      : client_(io_), upstream_(io_), also_stop_(also_stop), policy_(policy), emit_(emit), clock_(clock) {
    client_.assign(Local(), ::dup(fd));  // the server closes `fd`; Asio closes its own copy
  }

  void serve() {
    http::request_parser<http::empty_body> parser;
    parser.header_limit(kHeaderLimit);
    boost::system::error_code ec;
    http::read_header(client_, buffer_, parser, ec);
    if (ec) {
      reply(client_, http::status::bad_request, {{"error", "bad_proxy_request"}, {"reason", ec.message()}});
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
      reply(client_, http::status::bad_gateway, {{"error", "egress_unreachable"}, {"host", decided.host}});
      emit_("egress.denied", {{"host", decided.host},
                              {"port", decided.port},
                              {"method", method_},
                              {"rule", "unreachable"},
                              {"reason", "no pinned address accepted a connection"}});
      return;
    }
    MonotonicPoint started = clock_.monotonic();
    boost::system::error_code write_error;
    size_t head_sent = 0;
    if (tunnel) {
      http::response<http::empty_body> established{http::status::ok, 11};
      established.reason("Connection Established");
      http::response_serializer<http::empty_body> opening(established);
      http::write_header(client_, opening, write_error);
    } else {
      auto origin = origin_request(request, origin_form_of(target), decided);
      http::request_serializer<http::empty_body> opening(origin);
      head_sent = http::write_header(upstream_, opening, write_error);
    }
    // Bytes the client sent after the head (a body, a TLS hello) go first.
    if (!write_error && buffer_.size() > 0) asio::write(upstream_, buffer_.data(), write_error);
    PumpedBytes moved;
    if (!write_error) moved = pump_both_ways(client_.native_handle(), upstream_.native_handle());
    moved.a_to_b += buffer_.size() + head_sent;

    emit_("egress.allowed", {{"host", decided.host},
                             {"port", decided.port},
                             {"address", address},
                             {"method", method_},
                             {"bytes_sent", moved.a_to_b},
                             {"bytes_received", moved.b_to_a},
                             {"ms", static_cast<int64_t>(clock_.since(started).count())}});
  }

 private:
  void deny(const std::string& host, int port, const std::string& rule, const std::string& reason) {
    reply(client_, http::status::forbidden, {{"error", "egress_denied"}, {"rule", rule}, {"reason", reason}});
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
  const Clock& clock_;
};

}  // namespace

void serve_egress(int fd, const SocketServer::AlsoStop& also_stop, const EgressPolicy& policy, const EmitEvent& emit,
                  const Clock& clock) {
  EgressConnection(fd, also_stop, policy, emit, clock).serve();
}

}  // namespace corral::runner
