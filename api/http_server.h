// The daemon's HTTP/1.1 server (Boost.Beast): a unix socket in the data
// directory, where a peer with the daemon's uid (or root) is a trusted local
// admin (SO_PEERCRED), and optionally a TCP address, where every request
// needs a bearer token. Requests go to handle_api(); /v1/events?follow=1 is a
// server-sent event stream. Bodies are capped at 1 MiB; a request must
// arrive within 30 s; one connection serves one request.
//
// All networking runs on one thread (run()); handlers are short (store
// queries), and an event stream polls the store on a timer.
#pragma once

#include <atomic>
#include <memory>
#include <string>

#include "core/status.h"
#include "api/service.h"

namespace corral::api {

class HttpServer {
 public:
  explicit HttpServer(Service& service);
  ~HttpServer();

  // Binds the unix socket (replacing a stale file), mode 0600.
  Status listen_unix(const std::string& path);
  // Binds "HOST:PORT" (PORT 0 picks one); tcp_port() tells which.
  Status listen_tcp(const std::string& address);
  int tcp_port() const;

  // Serves until stop is set (checked every 100 ms).
  void run(const std::atomic<bool>& stop);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace corral::api
