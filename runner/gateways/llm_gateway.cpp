#include "runner/gateways/llm_gateway.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/buffer_body.hpp>
#include <boost/beast/http/chunk_encode.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <nlohmann/json.hpp>

#include <chrono>
#include <limits>
#include <optional>

#include "core/url.h"
#include "runner/gateways/llm_usage.h"
#include "runner/gateways/model_calls.h"
#include "runner/gateways/tcp_connect.h"

namespace corral::runner {
namespace {

namespace asio = boost::asio;
namespace ssl = asio::ssl;
namespace http = boost::beast::http;
using tcp = asio::ip::tcp;
using Local = asio::local::stream_protocol;

constexpr size_t kRequestLimit = 32 << 20;

// The provider's base URL (checked when the flags were read), as the
// gateway needs it.
struct BaseUrl {
  bool tls = true;
  std::string host;       // to resolve and verify: an IPv6 address without brackets
  std::string port;       // to resolve
  std::string authority;  // the Host header: host (in brackets if IPv6), and the port unless the default
  std::string prefix;     // the path before every request's target, without a trailing '/'
};

Result<BaseUrl> base_url_of(const std::string& text) {
  CORRAL_ASSIGN_OR_RETURN(Url url, parse_url(text));
  BaseUrl base;
  base.tls = url.scheme == "https";
  base.host = url.bare_host();
  base.port = std::to_string(url.port);
  base.authority = url.default_port ? url.host : url.host + ":" + base.port;
  base.prefix = url.path;
  while (!base.prefix.empty() && base.prefix.back() == '/') base.prefix.pop_back();
  return base;
}

bool is_framing(http::field field) {
  return field == http::field::content_length || field == http::field::transfer_encoding ||
         field == http::field::connection || field == http::field::keep_alive;
}

class LlmConnection {
 public:
  LlmConnection(int fd, const SocketServer::AlsoStop& also_stop, const LlmGatewayConfig& config, const EmitEvent& emit,
                const Clock& clock)
      : client_(io_),
        also_stop_(also_stop),
        config_(config),
        emit_(emit),
        clock_(clock),
        base_(base_url_of(config.provider.base_url)),
        tls_context_(ssl::context::tls_client) {
    client_.assign(Local(), ::dup(fd));
    tls_context_.set_verify_mode(ssl::verify_peer);
    if (config.provider.ca_file.empty()) {
      tls_context_.set_default_verify_paths();
    } else {
      boost::system::error_code ignored;  // an unreadable CA file fails every handshake, visibly
      tls_context_.load_verify_file(config.provider.ca_file, ignored);
    }
  }

  void serve() {
    for (;;) {
      http::request_parser<http::string_body> parser;
      parser.body_limit(kRequestLimit);
      boost::system::error_code ec;
      http::read(client_, buffer_, parser, ec);
      if (ec) return;  // the client is done (or sent garbage: nothing to answer on a broken stream)
      http::request<http::string_body> request = parser.release();
      if (!answer(request) || !request.keep_alive()) return;
    }
  }

 private:
  // One request; false if the connection cannot go on.
  bool answer(http::request<http::string_body>& request) {
    if (!same_secret(presented_key(request), config_.run_token)) {
      emit_("llm.refused", {{"path", std::string(request.target())}, {"reason", "wrong or missing run token"}});
      return error(http::status::unauthorized, "authentication_error", "this run's token is required");
    }
    std::string target(request.target());
    if (!is_model_call(config_.provider.name, request.method(), target)) {
      emit_("llm.refused", {{"path", target},
                            {"method", std::string(request.method_string())},
                            {"reason", "not a model call this gateway forwards"}});
      return error(http::status::forbidden, "path_not_allowed",
                   std::string(request.method_string()) + " " + target +
                       " is not a model call; the gateway forwards only those");
    }
    for (const auto& budget : config_.budgets) {
      if (budget->exceeded()) {
        emit_("llm.refused",
              {{"path", std::string(request.target())}, {"reason", budget->scope() + " budget exceeded"}});
        return error(http::status::payment_required, "budget_exceeded",
                     "the " + budget->scope() + " token budget is spent; the run is being stopped");
      }
    }
    nlohmann::json body = nlohmann::json::parse(request.body(), nullptr, /*allow_exceptions=*/false);
    call_ = {};
    call_.path = std::string(request.target());
    call_.model = body.is_object() && body.contains("model") && body["model"].is_string()
                      ? body["model"].get<std::string>()
                      : model_in_path(target);
    bool stream_field =
        body.is_object() && body.contains("stream") && body["stream"].is_boolean() && body["stream"].get<bool>();
    call_.stream = stream_field || target.find(":streamGenerateContent") != std::string::npos;
    call_.started = clock_.monotonic();
    bool ok = forward(request);
    record_call();
    return ok;
  }

  bool forward(const http::request<http::string_body>& request) {
    if (!base_.is_ok()) return upstream_failed(base_.status().message());
    http::request<http::string_body> upstream_request{request.method(), base_->prefix + std::string(request.target()),
                                                      11};
    for (const auto& field : request) {
      if (!is_hop_or_credential(field.name(), field.name_string()))
        upstream_request.set(field.name_string(), field.value());
    }
    upstream_request.set(http::field::host, base_->authority);
    upstream_request.set(http::field::accept_encoding, "identity");  // usage is read from the bytes
    if (config_.provider.name == "openai") {
      upstream_request.set(http::field::authorization, "Bearer " + config_.provider.api_key);
    } else if (config_.provider.name == "gemini") {
      upstream_request.set("x-goog-api-key", config_.provider.api_key);
    } else {
      upstream_request.set("x-api-key", config_.provider.api_key);
    }
    upstream_request.body() = request.body();
    upstream_request.prepare_payload();

    // A provider connection kept from the last call is tried first; if the
    // provider closed it meanwhile (nothing of this request was answered),
    // the call goes once more over a fresh one.
    bool reused = upstream_ && upstream_->reusable;
    for (int attempt = 0; attempt < 2; ++attempt) {
      if (!reused) {
        upstream_.reset();
        std::string failure = connect_upstream();
        if (!failure.empty()) return upstream_failed(failure);
      }
      upstream_->reusable = false;
      Exchange result = upstream_->tls ? exchange(*upstream_->tls, upstream_request, reused)
                                       : exchange(upstream_->socket, upstream_request, reused);
      if (result != Exchange::kStale) return result == Exchange::kDone;
      reused = false;
    }
    return upstream_failed("the provider closed the connection twice");
  }

  // A fresh connection to the provider: each address tried in turn (each
  // socket handed to also_stop before it may block), then TLS with the
  // provider's name checked. An error message, or "".
  std::string connect_upstream() {
    boost::system::error_code ec;
    tcp::resolver resolver(io_);
    const BaseUrl& base = *base_;
    auto endpoints = resolver.resolve(base.host, base.port, ec);
    if (ec) return "cannot resolve " + base.host + ": " + ec.message();
    auto upstream = std::make_unique<Upstream>(io_);
    ec = connect_first(upstream->socket, {endpoints.begin(), endpoints.end()}, also_stop_);
    if (ec) return "cannot reach " + base.host + ": " + ec.message();
    if (base.tls) {
      upstream->tls.emplace(upstream->socket, tls_context_);
      upstream->tls->set_verify_callback(ssl::host_name_verification(base.host));
      if (!SSL_set_tlsext_host_name(upstream->tls->native_handle(), base.host.c_str())) {
        return "cannot set the TLS server name";
      }
      upstream->tls->handshake(ssl::stream_base::client, ec);
      if (ec) return "TLS with " + base.host + " failed: " + ec.message();
    }
    upstream_ = std::move(upstream);
    return "";
  }

  // kStale: a kept connection failed before any answer (try a fresh one).
  enum class Exchange { kDone, kFailed, kStale };

  // Sends the request, then streams the response to the client as it comes
  // (chunked), reading usage on the way.
  template <class Stream>
  Exchange exchange(Stream& upstream, http::request<http::string_body>& request, bool reused) {
    auto failed = [&](const std::string& why) {
      upstream_failed(why);
      return Exchange::kFailed;
    };
    boost::system::error_code ec;
    http::write(upstream, request, ec);
    if (ec && reused) return Exchange::kStale;
    if (ec) return failed("sending to the provider failed: " + ec.message());
    boost::beast::flat_buffer upstream_buffer;
    http::response_parser<http::buffer_body> parser;
    // A streamed answer has no length to limit. Not boost::none: Beast 1.74
    // compares a Content-Length with the empty optional and refuses any length.
    parser.body_limit(std::numeric_limits<std::uint64_t>::max());
    http::read_header(upstream, upstream_buffer, parser, ec);
    if (ec && reused && upstream_buffer.size() == 0) return Exchange::kStale;
    if (ec) return failed("the provider's answer was unreadable: " + ec.message());
    call_.first_byte = clock_.monotonic();
    auto& response = parser.get();
    call_.status = response.result_int();
    auto type = response.find(http::field::content_type);
    UsageMeter meter(type != response.end() && type->value().find("text/event-stream") != boost::string_view::npos);

    // The client gets the provider's headers (not its framing) and the body
    // re-chunked as it arrives.
    http::response<http::empty_body> head{response.result(), response.version()};
    head.reason(response.reason());
    for (const auto& field : response) {
      if (!is_framing(field.name())) head.insert(field.name_string(), field.value());
    }
    head.chunked(true);
    http::response_serializer<http::empty_body> serializer(head);
    http::write_header(client_, serializer, ec);
    if (ec) return Exchange::kFailed;
    char chunk[16 * 1024];
    while (!parser.is_done()) {
      response.body().data = chunk;
      response.body().size = sizeof chunk;
      http::read(upstream, upstream_buffer, parser, ec);
      if (ec == http::error::need_buffer) ec = {};
      if (ec) break;
      size_t got = sizeof chunk - response.body().size;
      if (got == 0) continue;
      meter.feed(std::string_view(chunk, got));
      if (!send(http::make_chunk(asio::buffer(chunk, got)))) return Exchange::kFailed;
    }
    call_.usage = meter.finish();
    if (call_.model.empty()) call_.model = meter.model();
    if (ec) {
      call_.error = "the provider's stream broke: " + ec.message();
      return Exchange::kFailed;  // the client sees the stream end without its last chunk
    }
    upstream_->reusable = response.keep_alive() && upstream_buffer.size() == 0;
    return send(http::make_chunk_last()) ? Exchange::kDone : Exchange::kFailed;
  }

  template <class Buffers>
  bool send(const Buffers& buffers) {
    boost::system::error_code ec;
    asio::write(client_, buffers, ec);
    return !ec;
  }

  bool error(http::status status, const std::string& type, const std::string& message) {
    http::response<http::string_body> answer{status, 11};
    answer.set(http::field::content_type, "application/json");
    answer.body() = nlohmann::json{{"type", "error"}, {"error", {{"type", type}, {"message", message}}}}.dump();
    answer.prepare_payload();
    boost::system::error_code ec;
    http::write(client_, answer, ec);
    return !ec;
  }

  bool upstream_failed(const std::string& why) {
    call_.status = 502;
    call_.error = why;
    return error(http::status::bad_gateway, "api_error", "corral's LLM gateway: " + why);
  }

  void record_call() {
    auto ms = [&](MonotonicPoint at) {
      return at == MonotonicPoint{}
                 ? nlohmann::json(nullptr)
                 : nlohmann::json(std::chrono::duration_cast<std::chrono::milliseconds>(at - call_.started).count());
    };
    nlohmann::json payload = {{"provider", config_.provider.name},
                              {"model", call_.model},
                              {"path", call_.path},
                              {"status", call_.status},
                              {"stream", call_.stream},
                              {"first_byte_ms", ms(call_.first_byte)},
                              {"ms", ms(clock_.monotonic())}};
    put_usage(payload, call_.usage);
    if (auto price = config_.prices.find(call_.model); price != config_.prices.end()) {
      const TokenUsage& used = call_.usage;
      payload["cost_usd"] = price->second.cost_usd(used.input, used.output, used.cache_read, used.cache_write);
    }
    if (!call_.error.empty()) payload["error"] = call_.error;
    emit_("llm.call", payload);
    for (const auto& budget : config_.budgets) charge(*budget);
  }

  void charge(TokenBudget& budget) {
    BudgetCrossing crossing = budget.charge(call_.usage);
    if (crossing == BudgetCrossing::kNone) return;
    BudgetLimits limits = budget.limits();
    nlohmann::json payload = {{"scope", budget.scope()},
                              {"tokens_used", budget.tokens_used()},
                              {"calls_used", budget.calls_used()},
                              {"token_limit", limits.tokens},
                              {"call_limit", limits.calls}};
    if (crossing == BudgetCrossing::kWarning) {
      emit_("budget.warning", payload);
      return;
    }
    emit_("budget.exceeded", payload);
    if (config_.stop_run) config_.stop_run("the " + budget.scope() + " token budget is spent");
  }

  struct Call {
    std::string path, model, error;
    bool stream = false;
    unsigned status = 0;
    TokenUsage usage;
    MonotonicPoint started, first_byte;
  };

  // The provider connection of this client connection, kept between calls
  // while both sides keep it alive (a TLS handshake per call otherwise).
  struct Upstream {
    explicit Upstream(asio::io_context& io) : socket(io) {}
    tcp::socket socket;
    std::optional<ssl::stream<tcp::socket&>> tls;
    bool reusable = false;
  };

  asio::io_context io_;
  Local::socket client_;
  boost::beast::flat_buffer buffer_;
  const SocketServer::AlsoStop& also_stop_;
  const LlmGatewayConfig& config_;
  const EmitEvent& emit_;
  const Clock& clock_;
  Result<BaseUrl> base_;
  ssl::context tls_context_;
  std::unique_ptr<Upstream> upstream_;  // after tls_context_: destroyed before it
  Call call_;
};

}  // namespace

void serve_llm(int fd, const SocketServer::AlsoStop& also_stop, const LlmGatewayConfig& config, const EmitEvent& emit,
               const Clock& clock) {
  LlmConnection(fd, also_stop, config, emit, clock).serve();
}

}  // namespace corral::runner
