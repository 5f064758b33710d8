// `corral serve`: the daemon. Opens the store, recovers from any crash,
// then schedules and runs tasks and serves the HTTP API until SIGTERM/SIGINT.
#pragma once

#include <string>
#include <vector>

#include "admission/gateway_options.h"
#include "alerts/courier.h"
#include "core/status.h"
#include "merge/merge_queues.h"
#include "runner/workspace/workspace.h"
#include "scheduler/decisions.h"

namespace corral::daemon {

struct ServeOptions {
  std::string data_dir;           // as the user gave it
  std::string listen_tcp;         // "HOST:PORT", or "" for the unix socket only
  std::string tls_cert, tls_key;  // PEM files: the TCP listener speaks TLS
  bool insecure_tcp = false;      // allow plain TCP on an address other than loopback
  std::string backend = "auto";
  std::string image;
  std::string supervisor_path;
  scheduler::Caps caps;
  int max_attempts = 3;
  int max_connections = 1024;        // to the API, both listeners together
  std::string web_root;              // the web UI's built files; "": the source tree's web/dist
  admission::GatewayFlags gateways;  // as given; checked when serving starts
  runner::WorkspaceOptions workspace;
  alerts::RetryPolicy alert_retries;  // how alert deliveries are retried
  merge::QueueBackoff queue_backoff;  // how a merge queue whose upstream fails waits
  // For crash tests only: pause 5 s as this stage begins (core/stage_hook.h).
  std::string test_pause_at;
};

// The unix socket the daemon of a data directory listens on.
std::string api_socket_path(const std::string& data_dir);

// Blocks until a termination signal; ok after a clean shutdown.
Status serve(const ServeOptions& options);

}  // namespace corral::daemon
