#include "api/http_server.h"

#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <map>
#include <nlohmann/json.hpp>

#include <optional>

#include "api/api.h"
#include "api/server_limits.h"
#include "api/static_files.h"
#include "api/stream_bell.h"
#include "core/thread_annotations.h"
#include "core/url.h"

namespace corral::api {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

constexpr uint64_t kBodyLimit = 1 << 20;
// A request must arrive within this (on a kept connection: the next one).
constexpr auto kRequestTimeout = std::chrono::seconds(30);
// An answer must be taken within this: a client that does not read is cut off.
constexpr auto kWriteTimeout = std::chrono::seconds(30);
// A stream is woken when an event is stored (StreamBell); it also looks by
// itself this often (how a revoked token ends it, and its keep-alive).
constexpr auto kStreamPoll = std::chrono::seconds(1);
constexpr int kStreamBatch = 500;
// Threads that run requests' handlers (the store serialises their database
// work; git and diffs run beside each other).
constexpr int kWorkerThreads = 4;

// A trusted local peer: the daemon's own uid, or root.
std::optional<policy::Caller> local_caller(int fd) {
  ucred credentials{};
  socklen_t length = sizeof credentials;
  if (::getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &credentials, &length) != 0) return std::nullopt;
  if (credentials.uid != 0 && credentials.uid != ::geteuid()) return std::nullopt;
  return policy::Caller{"local:" + std::to_string(credentials.uid), "admin", "*"};
}

// What every session shares: the desks requests go to, the threads that run
// them (a request's handler may take a while: a diff, a fetch, a push; the
// I/O thread never waits for one), and the event streams' slots.
struct Handlers {
  Handlers(Service& service, asio::thread_pool& workers, asio::io_context& io)
      : service(service),
        workers(workers),
        bell([&io](std::function<void()> wake) { asio::post(io, std::move(wake)); }) {}
  Service& service;
  asio::thread_pool& workers;
  StreamBell bell;
  const StaticFiles* ui = nullptr;  // the web UI's files; none: only the API is served
  StreamSlots streams;
  OutputBudget output;
  IdleConnections idle;
  std::atomic<int> connections{0};  // sessions alive now
  int max_connections = 1024;       // more are closed as they arrive
  bool at_capacity = false;         // the I/O thread's: logged once per episode
};

// Whether one more connection may have a session; logs when the cap is
// reached and when connections are taken again. I/O thread only.
bool admit_connection(Handlers& handlers) {
  bool full = handlers.connections.load() >= handlers.max_connections;
  if (full && !handlers.at_capacity) {
    spdlog::warn("{} connections are open, the most allowed: new ones are closed until some end",
                 handlers.max_connections);
  }
  if (!full && handlers.at_capacity) spdlog::info("taking connections again");
  handlers.at_capacity = full;
  return !full;
}

// An event stream's answer head, kept alive until it is written.
struct StreamOpening {
  StreamOpening() : serializer(head) {
    head.result(http::status::ok);
    head.set(http::field::content_type, "text/event-stream");
    head.set(http::field::cache_control, "no-cache");
    head.keep_alive(false);
  }
  http::response<http::empty_body> head;
  http::response_serializer<http::empty_body> serializer;
};

using TlsStream = beast::ssl_stream<asio::ip::tcp::socket>;

template <typename Socket>
constexpr bool kIsTls = std::is_same_v<Socket, TlsStream>;

// One connection (a unix socket, TCP, or TLS over TCP): requests read and
// answered in turn (kept alive while the client asks), each handled on a
// worker; or one event stream. Its socket and timer are touched only on the
// I/O thread.
template <typename Socket>
class Session : public std::enable_shared_from_this<Session<Socket>>, public Napper {
 public:
  Session(Socket socket, Handlers& handlers, bool trusted_transport)
      : socket_(std::move(socket)),
        timer_(socket_.get_executor()),
        handlers_(handlers),
        trusted_transport_(trusted_transport) {
    ++handlers_.connections;
  }
  ~Session() {
    stop_idling();
    --handlers_.connections;
  }

  void start() {
    if constexpr (!kIsTls<Socket>) {
      read_next();
    } else {
      close_after(kRequestTimeout);  // a client that never finishes its handshake
      socket_.async_handshake(asio::ssl::stream_base::server,
                              [self = this->shared_from_this()](beast::error_code error) {
                                if (error) return self->close();
                                self->read_next();
                              });
    }
  }

 private:
  void read_next() {
    // Idle until its request's header is in: the first to go if descriptors run out.
    idle_ = handlers_.idle.add([weak = this->weak_from_this()] {
      if (auto self = weak.lock()) self->close();
    });
    parser_.emplace();
    parser_->body_limit(kBodyLimit);
    close_after(kRequestTimeout);
    http::async_read_header(
        socket_, buffer_, *parser_,
        [self = this->shared_from_this()](beast::error_code error, size_t) { self->on_header(error); });
  }

  // Closes the connection unless what it waits for happens first (the timer
  // is re-armed or cancelled).
  void close_after(std::chrono::seconds limit) {
    timer_.expires_after(limit);
    timer_.async_wait([self = this->shared_from_this()](beast::error_code error) {
      if (!error) self->close();
    });
  }

  // Closes the connection at once (over TLS without close_notify: the
  // answers carry their lengths, so nothing can be cut short unseen).
  void stop_idling() {
    if (idle_) handlers_.idle.remove(*idle_);
    idle_.reset();
  }

  void close() {
    stop_idling();
    timer_.cancel();  // its wait holds the session: without this it would outlive its socket by up to 30 s
    beast::error_code ignored;
    auto& transport = beast::get_lowest_layer(socket_);
    transport.shutdown(asio::socket_base::shutdown_both, ignored);
    transport.close(ignored);
  }

  // A declared body over the limit is refused before it is sent (clients
  // that wait for "100 Continue" get the answer at once).
  void on_header(beast::error_code error) {
    stop_idling();
    if (error) return on_read(error);
    auto length = parser_->content_length();
    if (length && *length > kBodyLimit) return on_read(http::error::body_limit);
    http::async_read(
        socket_, buffer_, *parser_,
        [self = this->shared_from_this()](beast::error_code read_error, size_t) { self->on_read(read_error); });
  }

  void on_read(beast::error_code error) {
    timer_.cancel();
    if (error == http::error::body_limit) {
      return reply({413, error_body(Status::invalid_argument("the request body is larger than 1 MiB"))}, false);
    }
    if (error == http::error::header_limit) {
      return reply({431, error_body(Status::invalid_argument("the request's header is larger than 8 KiB"))}, false);
    }
    // A request that is no HTTP gets an answer saying so; a client that went
    // away (or sent half a request and stopped) is only closed.
    bool client_left = error == http::error::end_of_stream || error == http::error::partial_message;
    if (error && !client_left && error.category() == http::make_error_code(http::error::bad_target).category()) {
      return reply({400, error_body(Status::invalid_argument("a malformed request: " + error.message()))}, false);
    }
    if (error) return close();
    const auto& message = parser_->get();
    ApiRequest request;
    request.method = std::string(message.method_string());
    request.target = std::string(message.target());
    request.authorization = std::string(message[http::field::authorization]);
    request.last_event_id = std::string(message["Last-Event-ID"]);
    request.cookie = std::string(message[http::field::cookie]);
    request.csrf_token = std::string(message["X-CSRF-Token"]);
    request.secure = kIsTls<Socket>;
    request.body = message.body();
    if (trusted_transport_) request.local_caller = local_caller(beast::get_lowest_layer(socket_).native_handle());
    if (is_event_stream(request)) return open_stream(request);
    bool keep_alive = message.keep_alive();
    // The web UI's files are in memory: answered here, like a health check.
    std::string path = request.target.substr(0, request.target.find('?'));
    if (handlers_.ui && request.method == "GET" && request.target.rfind("/v1/", 0) != 0 && path != "/metrics") {
      bool gzip = std::string(message[http::field::accept_encoding]).find("gzip") != std::string::npos;
      StaticAnswer file = handlers_.ui->answer(path, gzip);
      return reply({file.status, std::move(file.body), std::move(file.headers)}, keep_alive);
    }
    // Answered here, never queued behind the workers: a health check says
    // the daemon is alive even while every worker waits on a slow upstream.
    if (is_health_check(request)) return reply(handle(request), keep_alive);
    if (handlers_.output.exhausted()) return reply(busy(), keep_alive);
    asio::post(handlers_.workers, [self = this->shared_from_this(), request = std::move(request), keep_alive] {
      ApiResponse response = self->handle(request);
      // Back to the I/O thread, which alone touches the socket.
      asio::post(self->socket_.get_executor(), [self, response = std::move(response), keep_alive]() mutable {
        self->reply(std::move(response), keep_alive);
      });
    });
  }

  // On a worker (a health check: on the I/O thread). Nothing may escape: an
  // exception here would end the daemon.
  ApiResponse handle(const ApiRequest& request) {
    try {
      return handle_api(handlers_.service, request);
    } catch (const std::exception& error) {
      spdlog::error("{} {}: {}", request.method, request.target, error.what());
      return {500, error_body(Status::internal("the request could not be handled"))};
    }
  }

  static ApiResponse busy() {
    std::string why = "the daemon holds " + std::to_string(OutputBudget::kBytes >> 20) +
                      " MiB of answers its clients have not read yet, the most it holds; try again shortly";
    return {503, nlohmann::json{{"error", {{"code", "busy"}, {"message", why}}}}.dump()};
  }

  void reply(ApiResponse answer, bool keep_alive) {
    if (!handlers_.output.fits(answer.body.size())) answer = busy();  // the computed answer is dropped, not held
    size_t held = answer.body.size();
    handlers_.output.hold(held);
    auto response = std::make_shared<http::response<http::string_body>>(static_cast<http::status>(answer.status), 11);
    response->set(http::field::content_type, "application/json");
    response->set("X-Content-Type-Options", "nosniff");
    for (const auto& [name, value] : answer.headers) response->set(name, value);
    if (answer.status == 503) response->set(http::field::retry_after, "1");
    response->keep_alive(keep_alive);
    response->body() = std::move(answer.body);
    response->prepare_payload();
    close_after(kWriteTimeout);
    http::async_write(socket_, *response,
                      [self = this->shared_from_this(), response, held](beast::error_code error, size_t) mutable {
                        bool keep_alive = response->keep_alive();
                        response.reset();  // freed before the budget is given back
                        self->handlers_.output.give_back(held);
                        if (error || !keep_alive) return self->close();
                        self->read_next();
                      });
  }

  void open_stream(const ApiRequest& request) {
    timer_.cancel();
    auto stream = parse_event_stream(handlers_.service, request);
    if (!stream.is_ok()) return reply({http_status_for(stream.status()), error_body(stream.status())}, false);
    stream_ = *stream;
    stream_slot_ = handlers_.streams.take(stream_.caller.name);
    if (!stream_slot_) {
      std::string why = "too many event streams: at most " + std::to_string(StreamSlots::kPerCaller) +
                        " per caller and " + std::to_string(StreamSlots::kTotal) + " in all; close one first";
      return reply({429, nlohmann::json{{"error", {{"code", "too_many_streams"}, {"message", why}}}}.dump()}, false);
    }
    auto opening = std::make_shared<StreamOpening>();
    http::async_write_header(socket_, opening->serializer,
                             [self = this->shared_from_this(), opening](beast::error_code error, size_t) {
                               if (error) return self->close();
                               self->poll_stream();
                             });
  }

  // Sends what is new, then waits a little and looks again, until the client
  // goes away. A client that does not take what it is sent within the write
  // deadline is cut off; while the output budget is spent, nothing is sent.
  void poll_stream() {
    if (!check_event_stream(handlers_.service, stream_).is_ok()) return close();  // e.g. its token was revoked
    read_at_ = handlers_.bell.generation();  // what is stored after this rings again
    auto chunk = std::make_shared<std::string>();
    int64_t last = stream_.after;
    auto page = handlers_.service.events(stream_.caller, stream_.after, stream_.filter, kStreamBatch);
    if (page.is_ok()) {
      for (const auto& event : (*page)["events"]) {
        *chunk += "id: " + std::to_string(event["seq"].get<int64_t>()) + "\n";
        if (stream_.typed) *chunk += "event: " + event["type"].get<std::string>() + "\n";
        *chunk += "data: " + event.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n\n";
      }
      last = (*page)["last"].get<int64_t>();
    }
    if (!handlers_.output.fits(chunk->size())) return poll_again();  // the same events, later
    stream_.after = last;
    if (chunk->empty()) *chunk = ": waiting\n\n";  // also finds out whether the client is still there
    handlers_.output.hold(chunk->size());
    close_after(kWriteTimeout);
    asio::async_write(socket_, asio::buffer(*chunk),
                      [self = this->shared_from_this(), chunk](beast::error_code error, size_t) mutable {
                        size_t held = chunk->size();
                        chunk.reset();
                        self->handlers_.output.give_back(held);
                        if (error) return self->close();
                        self->poll_again();
                      });
  }

  // Naps until an event is stored or kStreamPoll passes; at once when one
  // was stored since the last read.
  void poll_again() {
    bool news = handlers_.bell.generation() != read_at_;
    timer_.expires_after(
        news ? std::chrono::steady_clock::duration::zero()
             : std::chrono::steady_clock::duration(kStreamPoll));  // also ends the write deadline's wait
    if (!news) handlers_.bell.wake_at_next_ring(this->shared_from_this());
    napping_ = true;
    timer_.async_wait([self = this->shared_from_this()](beast::error_code error) {
      self->napping_ = false;
      bool woken = std::exchange(self->rung_, false);  // cleared whatever ended the nap
      if (!error || woken) self->poll_stream();
    });
  }

  void wake() override {
    if (!napping_) return;  // a ring of an earlier nap: the stream is reading or writing now
    rung_ = true;
    timer_.cancel();
  }

  Socket socket_;
  asio::steady_timer timer_;
  Handlers& handlers_;
  bool trusted_transport_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;  // a fresh one per request
  EventStream stream_;
  uint64_t read_at_ = 0;                     // the bell's generation when the stream last read the log
  bool napping_ = false;                     // waiting in poll_again
  bool rung_ = false;                        // woken from the nap (the timer's cancel is not a close)
  std::shared_ptr<void> stream_slot_;        // held while the stream is open
  std::optional<IdleConnections::Id> idle_;  // set while waiting for a request
};

// How an acceptor waits out failures: the pause before the next try (10 ms
// doubling to a second) and the episode of failures, logged once when it
// begins and once when it is over (no failure for 10 s).
struct AcceptPacing {
  explicit AcceptPacing(const asio::any_io_executor& executor) : pause(executor) {}
  asio::steady_timer pause;
  std::chrono::milliseconds backoff{0};
  int failures = 0;  // in the episode; 0: none under way
  std::chrono::steady_clock::time_point last_failure;

  void succeeded() {
    backoff = std::chrono::milliseconds(0);
    if (failures > 0 && std::chrono::steady_clock::now() - last_failure > std::chrono::seconds(10)) {
      spdlog::info("accepting connections again ({} tries failed before)", failures);
      failures = 0;
    }
  }

  void failed(const beast::error_code& error, bool shed) {
    if (failures == 0) {
      spdlog::warn("accepting a connection failed ({}); pausing between tries until it works{}", error.message(),
                   shed ? ", closing the oldest idle connections" : "");
    }
    ++failures;
    last_failure = std::chrono::steady_clock::now();
    // Descriptors are coming free when idle connections were closed.
    backoff = shed ? std::chrono::milliseconds(10)
                   : std::clamp(backoff * 2, std::chrono::milliseconds(10), std::chrono::milliseconds(1000));
  }
};

// Accepts until the acceptor closes, handing each connection to `start`.
// When accepting fails (out of file descriptors, say) it pauses before the
// next try and logs once: running out of descriptors is never a busy loop.
// Out of descriptors, it also closes the oldest half of the idle
// connections, so that new clients get in.
template <typename Acceptor, typename Start>
void accept_loop(Acceptor& acceptor, Start start, IdleConnections& idle,
                 std::shared_ptr<AcceptPacing> pacing = nullptr) {
  if (!pacing) pacing = std::make_shared<AcceptPacing>(acceptor.get_executor());
  acceptor.async_accept([&acceptor, start, &idle, pacing](beast::error_code error, auto socket) {
    if (error == asio::error::operation_aborted) return;
    if (!error) {
      pacing->succeeded();
      start(std::move(socket));
      return accept_loop(acceptor, start, idle, pacing);
    }
    bool out_of_descriptors = error == asio::error::no_descriptors || error.value() == ENFILE;
    pacing->failed(error, out_of_descriptors && idle.shed() > 0);
    pacing->pause.expires_after(pacing->backoff);
    pacing->pause.async_wait([&acceptor, start, &idle, pacing](beast::error_code waited) {
      if (!waited) accept_loop(acceptor, start, idle, pacing);
    });
  });
}

}  // namespace

struct HttpServer::Impl {
  // Streams are woken by the store's appends while the server exists.
  explicit Impl(Service& service) : handlers(service, workers, io) {
    bell_listener = service.store().add_event_listener([this](const store::StoredEvent&) { handlers.bell.ring(); });
  }
  ~Impl() { handlers.service.store().remove_event_listener(bell_listener); }
  int bell_listener = 0;
  asio::io_context io;
  // Destroyed before `io` (members go in reverse): its threads are joined
  // before anything they post to is gone.
  asio::thread_pool workers{kWorkerThreads};
  Handlers handlers;
  std::unique_ptr<asio::local::stream_protocol::acceptor> unix_acceptor;
  std::unique_ptr<asio::ip::tcp::acceptor> tcp_acceptor;
  std::unique_ptr<asio::ssl::context> tls;  // set: the TCP listener speaks TLS
  std::optional<StaticFiles> ui;
};

HttpServer::HttpServer(Service& service) : impl_(std::make_unique<Impl>(service)) {}
HttpServer::~HttpServer() = default;

void HttpServer::limit_connections(int most) { impl_->handlers.max_connections = most; }

void HttpServer::serve_ui(StaticFiles files) {
  impl_->ui = std::move(files);
  impl_->handlers.ui = &*impl_->ui;
}

Status HttpServer::listen_unix(const std::string& path) {
  ::unlink(path.c_str());  // a stale socket from a crashed daemon
  beast::error_code error;
  auto acceptor = std::make_unique<asio::local::stream_protocol::acceptor>(impl_->io);
  acceptor->open(asio::local::stream_protocol(), error);
  if (!error) acceptor->bind(asio::local::stream_protocol::endpoint(path), error);
  if (!error) acceptor->listen(asio::socket_base::max_listen_connections, error);
  if (error) return Status::io("listening on " + path + ": " + error.message());
  ::chmod(path.c_str(), 0600);
  impl_->unix_acceptor = std::move(acceptor);
  accept_loop(
      *impl_->unix_acceptor,
      [this](asio::local::stream_protocol::socket socket) {
        if (!admit_connection(impl_->handlers)) return;  // the socket closes as it goes
        std::make_shared<Session<asio::local::stream_protocol::socket>>(std::move(socket), impl_->handlers, true)
            ->start();
      },
      impl_->handlers.idle);
  return Status::ok();
}

Status HttpServer::use_tls(const std::string& certificate_chain_file, const std::string& private_key_file) {
  auto tls = std::make_unique<asio::ssl::context>(asio::ssl::context::tls_server);
  beast::error_code error;
  // TLS 1.2 and later only.
  tls->set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                       asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 | asio::ssl::context::no_tlsv1_1,
                   error);
  if (!error) tls->use_certificate_chain_file(certificate_chain_file, error);
  if (error) return Status::invalid_argument("--tls-cert " + certificate_chain_file + ": " + error.message());
  tls->use_private_key_file(private_key_file, asio::ssl::context::pem, error);
  if (error) return Status::invalid_argument("--tls-key " + private_key_file + ": " + error.message());
  impl_->tls = std::move(tls);
  return Status::ok();
}

Status HttpServer::listen_tcp(const std::string& address) {
  CORRAL_ASSIGN_OR_RETURN(HostPort listen, parse_host_port(address, "--listen"));
  beast::error_code error;
  auto ip = asio::ip::make_address(listen.host, error);
  if (error) return Status::invalid_argument("--listen: '" + listen.host + "' is not an IP address");
  int port = listen.port;
  auto acceptor = std::make_unique<asio::ip::tcp::acceptor>(impl_->io);
  asio::ip::tcp::endpoint endpoint(ip, static_cast<unsigned short>(port));
  acceptor->open(endpoint.protocol(), error);
  if (!error) acceptor->set_option(asio::socket_base::reuse_address(true), error);
  if (!error) acceptor->bind(endpoint, error);
  if (!error) acceptor->listen(asio::socket_base::max_listen_connections, error);
  if (error) return Status::io("listening on " + address + ": " + error.message());
  impl_->tcp_acceptor = std::move(acceptor);
  accept_loop(
      *impl_->tcp_acceptor,
      [this](asio::ip::tcp::socket socket) {
        if (!admit_connection(impl_->handlers)) return;  // the socket closes as it goes
        if (impl_->tls) {                                // wrapped in TLS before the session starts
          std::make_shared<Session<TlsStream>>(TlsStream(std::move(socket), *impl_->tls), impl_->handlers, false)
              ->start();
        } else {
          std::make_shared<Session<asio::ip::tcp::socket>>(std::move(socket), impl_->handlers, false)->start();
        }
      },
      impl_->handlers.idle);
  return Status::ok();
}

int HttpServer::tcp_port() const { return impl_->tcp_acceptor ? impl_->tcp_acceptor->local_endpoint().port() : 0; }

void HttpServer::run(const std::atomic<bool>& stop) {
  asio::steady_timer check(impl_->io);
  std::function<void()> watch = [&] {
    check.expires_after(std::chrono::milliseconds(100));
    check.async_wait([&](beast::error_code) {
      if (stop) return impl_->io.stop();
      watch();
    });
  };
  watch();
  impl_->io.run();
}

}  // namespace corral::api
