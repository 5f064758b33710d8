// The HTTP API's request handling, without any networking: a request comes
// in as method, target, headers and body; a JSON response goes out. Versioned
// paths under /v1; errors are {"error": {"code", "message"}} with a stable code.
//
//   GET    /v1/health
//   POST   /v1/tasks                 one task, or {"tasks": [...]}
//   GET    /v1/tasks?repo=&state=&agent=&submitter=&limit=
//   GET    /v1/tasks/{id}
//   POST   /v1/tasks/{id}/cancel
//   POST   /v1/tasks/{id}/retry
//   POST   /v1/tasks/{id}/rollback   {"reason"}                        (owner)
//   POST   /v1/repos                 {"path"}
//   GET    /v1/repos
//   GET    /v1/repos/{id}            the repository, its settings and limits
//   PATCH  /v1/repos/{id}/settings   settings to change (null resets)    (owner)
//   POST   /v1/repos/{id}/branches   {"branch", "commit", "force"?}      (owner; only forward)
//   POST   /v1/repos/{id}/simulate   proposed settings: the history replayed under them
//   POST   /v1/repos/{id}/policy/replay?days=7  proposed settings: tool calls and egress decided again
//   GET    /v1/repos/{id}/settings/history, POST /v1/repos/{id}/settings/rollback {"version", "reason"} (owner)
//   GET    /v1/killswitches, POST /v1/killswitches {"on", "reason", "repo"? | "agent"?, "hold_merges"?}
//   GET    /v1/alerts?state=&repo=&rule=&severity=&before=&limit=
//   GET    /v1/alerts/{id}           the alert and its deliveries
//   POST   /v1/alerts/{id}/ack | /resolve  {"note"}                     (owner)
//   GET    /v1/alerts/destinations, POST {"name", "format", "url", "secret"?, "chat_id"?, "rules"?,
//          "min_severity"?, "repo"?}, DELETE /v1/alerts/destinations/{name}, POST .../{name}/test
//                                                   (global: admin; a repository's: owner)
//   GET    /v1/scorecard?repo=&since=DAYS
//   GET    /metrics                  Prometheus text (unscoped readers)
//   GET    /v1/reviews?repo=         diffs waiting for review
//   GET    /v1/reviews/{task}        one diff: findings, verdicts, patch
//          ?files_offset=0&files_limit=1000&patch_bytes=1048576: a page of its files (next_offset
//          when more follow), the patch cut at a line (patch_truncated, patch_bytes_total)
//   POST   /v1/reviews/{task}/approve {"diff_hash"}                      (reviewer)
//   POST   /v1/reviews/{task}/reject  {"diff_hash", "reason"}            (reviewer)
//   POST   /v1/tokens                {"name", "role", "repo"?}   (admin)
//   GET    /v1/tokens                                           (admin)
//   DELETE /v1/tokens/{id}                                      (admin)
//   GET    /v1/events?after=&task=&repo=&type=&limit=[&follow=1]
//   GET    /v1/audit                 the event chain's state (readers of every repository)
//   POST   /v1/session               {"token"}: signs in; sets the session cookie (api/sessions.h)
//   GET    /v1/session               who the session is, and its CSRF token
//   DELETE /v1/session               signs out
//
// A request is its caller's by 'Authorization: Bearer <token>', by the
// session cookie (then, unless it only reads, with the session's CSRF token
// in X-CSRF-Token), or as the trusted local peer on the unix socket.
//
// follow=1 turns /v1/events into a server-sent event stream, served by the
// HTTP server with parse_event_stream().
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "api/service.h"
#include "policy/access.h"

namespace corral::api {

struct ApiRequest {
  std::string method;
  std::string target;         // path and query
  std::string authorization;  // the Authorization header
  std::string last_event_id;  // the Last-Event-ID header (resuming a stream)
  std::string body;
  std::optional<policy::Caller> local_caller;  // set for a trusted local peer (unix socket)
  std::string cookie = {};                     // the Cookie header
  std::string csrf_token = {};                 // the X-CSRF-Token header
  bool secure = false;                         // it came over TLS: cookies are set Secure
};

struct ApiResponse {
  int status = 200;
  std::string body;                                               // JSON
  std::vector<std::pair<std::string, std::string>> headers = {};  // more headers (Set-Cookie)
};

ApiResponse handle_api(Service& service, const ApiRequest& request);

struct EventStream {
  policy::Caller caller;
  std::string authorization;  // the header it was opened with ("" for the trusted local peer)
  std::string session;        // or the session cookie's secret it was opened with
  int64_t after = 0;
  store::EventLog::Filter filter;
  // typed=0: no "event:" line, so every event is a plain message (a browser's
  // EventSource then hands each to one listener, whatever its type).
  bool typed = true;
};

// True for GET /v1/events?…follow=1.
bool is_event_stream(const ApiRequest& request);
// True for /v1/health: answered at once, touching nothing.
bool is_health_check(const ApiRequest& request);
// The stream's caller and position, or the error response to send instead.
Result<EventStream> parse_event_stream(Service& service, const ApiRequest& request);

// ok while the stream's caller may still read what it asked for; a token
// revoked (or a scope changed) since it opened ends it. Checked before each
// page the server sends.
Status check_event_stream(Service& service, const EventStream& stream);

// {"error": {"code", "message"}} for a Status.
std::string error_body(const Status& status);

}  // namespace corral::api
