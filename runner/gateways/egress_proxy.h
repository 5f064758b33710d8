// The egress proxy: a run's only way to the network (the sandbox has none;
// HTTP(S)_PROXY point at the supervisor's relay to this socket). One request
// per connection, HTTP CONNECT (tunnels, for https) or plain HTTP with an
// absolute URL. The target is checked by policy::check_url against the run's
// allowlist: names resolve once here and the connection goes to the pinned
// addresses that were checked, so a name cannot re-resolve to an internal
// address in between. Every attempt is an event:
//   egress.allowed  host, port, address, method, bytes_sent, bytes_received, ms
//   egress.denied   host, port, method, rule, reason
// A denied request gets 403 with {"error":"egress_denied","rule":...,"reason":...}.
#pragma once

#include "core/clock.h"
#include "policy/url_rules.h"
#include "runner/gateways/gateway_events.h"
#include "runner/gateways/host_resolver.h"
#include "runner/gateways/socket_server.h"

namespace corral::runner {

struct EgressPolicy {
  policy::UrlPolicy urls;  // its resolver is replaced by resolve_host with `fixed_hosts`
  FixedHosts fixed_hosts;
};

// Serves one proxy connection on `fd` (a SocketServer handler).
void serve_egress(int fd, const SocketServer::AlsoStop& also_stop, const EgressPolicy& policy, const EmitEvent& emit,
                  const Clock& clock);

}  // namespace corral::runner
