// The daemon's HTTP/1.1 server (Boost.Beast): a unix socket in the data
// directory, where a peer with the daemon's uid (or root) is a trusted local
// admin (SO_PEERCRED), and optionally a TCP address, where every request
// needs a bearer token, over TLS when given a certificate (use_tls). Requests go to handle_api(); /v1/events?follow=1
// is a server-sent event stream. With serve_ui(), the web UI is served at
// every other path.
//
// One I/O thread (run()) reads and writes every connection; handlers run on
// a small pool of worker threads, so a slow handler (a large diff, a fetch, a
// push) or a slow client never holds up another. Connections are kept alive
// while the client asks. Bodies are capped at 1 MiB; a request must arrive,
// and an answer be taken, within 30 s each.
#pragma once

#include <atomic>
#include <memory>
#include <string>

#include "api/service.h"
#include "api/static_files.h"
#include "core/status.h"

namespace corral::api {

class HttpServer {
 public:
  explicit HttpServer(Service& service);
  ~HttpServer();

  // Binds the unix socket (replacing a stale file), mode 0600.
  Status listen_unix(const std::string& path);
  // The TCP listener speaks TLS with this certificate chain and key (PEM);
  // call before listen_tcp. invalid_argument naming the file that is wrong.
  Status use_tls(const std::string& certificate_chain_file, const std::string& private_key_file);
  // Binds "HOST:PORT" or "[IPV6]:PORT" (PORT 0 picks one); tcp_port() tells which.
  Status listen_tcp(const std::string& address);
  int tcp_port() const;
  // At most `most` connections at once (default 1024); more are closed as
  // they arrive, logged once. Call before run().
  void limit_connections(int most);
  // Serves the web UI's files at every GET outside /v1/. Call before run().
  void serve_ui(StaticFiles files);

  // Serves until stop is set (checked every 100 ms).
  void run(const std::atomic<bool>& stop);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace corral::api
