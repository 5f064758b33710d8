#include "api/api.h"

#include "api/alert_desk.h"
#include "api/kill_switch_desk.h"
#include "api/repo_desk.h"
#include "api/scorecard_desk.h"
#include "api/sessions.h"
#include "api/settings_versions.h"
#include "core/url_encoding.h"
#include "merge/branch_desk.h"
#include "merge/queue_desk.h"
#include "merge/review_desk.h"

#include <nlohmann/json.hpp>

#include <strings.h>

#include <map>
#include <string_view>
#include <vector>

namespace corral::api {
namespace {

using json = nlohmann::json;
using Query = std::map<std::string, std::string>;

constexpr int kMaxListLimit = 1000;

std::pair<std::string, Query> split_target(const std::string& target) {
  size_t question = target.find('?');
  Query query;
  if (question != std::string::npos) {
    std::string rest = target.substr(question + 1);
    size_t start = 0;
    while (start <= rest.size()) {
      size_t end = rest.find('&', start);
      if (end == std::string::npos) end = rest.size();
      std::string pair = rest.substr(start, end - start);
      size_t equals = pair.find('=');
      if (!pair.empty())
        query[percent_decode(pair.substr(0, equals))] =
            equals == std::string::npos ? "" : percent_decode(pair.substr(equals + 1));
      start = end + 1;
    }
  }
  return {target.substr(0, question), query};
}

std::vector<std::string> split_path(const std::string& path) {
  std::vector<std::string> parts;
  size_t start = 1;
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string::npos) end = path.size();
    parts.push_back(path.substr(start, end - start));
    start = end + 1;
  }
  return parts;
}

ApiResponse respond(const Result<json>& result, int ok_status = 200) {
  if (!result.is_ok()) return {http_status_for(result.status()), error_body(result.status())};
  return {ok_status, result->dump(-1, ' ', false, json::error_handler_t::replace)};
}

Result<int64_t> integer_param(const Query& query, const std::string& name, int64_t fallback, int64_t low,
                              int64_t high) {
  auto it = query.find(name);
  if (it == query.end()) return fallback;
  char* end = nullptr;
  long long value = std::strtoll(it->second.c_str(), &end, 10);
  if (it->second.empty() || *end != '\0' || value < low || value > high) {
    return Status::invalid_argument("query parameter '" + name + "' must be an integer in " + std::to_string(low) +
                                    ".." + std::to_string(high));
  }
  return static_cast<int64_t>(value);
}

std::string param(const Query& query, const std::string& name) {
  auto it = query.find(name);
  return it == query.end() ? "" : it->second;
}

bool only_reads(const std::string& method) { return method == "GET" || method == "HEAD"; }

Result<policy::Caller> caller_of(Service& service, const ApiRequest& request) {
  static constexpr std::string_view kBearer = "bearer ";
  std::string session = cookie_value(request.cookie, kSessionCookie);
  if (request.authorization.empty() && !session.empty()) {
    CORRAL_ASSIGN_OR_RETURN(SessionCaller found, SessionDesk(service).find(session));
    if (!only_reads(request.method) && !same_secret(request.csrf_token, found.csrf)) {
      return Status::permission_denied("this request changes something: send the session's CSRF token in X-CSRF-Token");
    }
    return found.caller;
  }
  if (request.authorization.empty() && request.local_caller) return *request.local_caller;
  // RFC 7235 section 2.1: the scheme is case-insensitive.
  if (request.authorization.size() < kBearer.size() ||
      ::strncasecmp(request.authorization.c_str(), kBearer.data(), kBearer.size()) != 0) {
    return Status::unauthenticated("send 'Authorization: Bearer <token>' (corral token create)");
  }
  return service.authenticate(request.authorization.substr(kBearer.size()));
}

Result<json> parse_body(const std::string& body) {
  auto parsed = json::parse(body, nullptr, false);
  if (parsed.is_discarded()) return Status::invalid_argument("the request body is not valid JSON");
  return parsed;
}

Result<json> events_page(Service& service, const policy::Caller& caller, const Query& query) {
  auto after = integer_param(query, "after", 0, 0, INT64_MAX);
  if (!after.is_ok()) return after.status();
  auto limit = integer_param(query, "limit", 100, 1, kMaxListLimit);
  if (!limit.is_ok()) return limit.status();
  CORRAL_ASSIGN_OR_RETURN(std::string repo, service.resolve_repo(param(query, "repo")));
  return service.events(caller, *after, {param(query, "task"), repo, param(query, "type")}, static_cast<int>(*limit));
}

// A POST body through `handler`, answering 201 on success.
template <typename Handler>
ApiResponse created(const std::string& body, Handler handler) {
  auto parsed = parse_body(body);
  if (!parsed.is_ok()) return respond(parsed.status());
  return respond(handler(*parsed), 201);
}

ApiResponse method_not_allowed_for(const std::string& method) {
  return {405, json{{"error", {{"code", "method_not_allowed"}, {"message", method + " is not allowed here"}}}}.dump()};
}

// The repository a body names in "repo" (an id or a path) as its id; "" when
// it names none; not_found or invalid_argument when it names one badly.
Result<std::string> body_repo(Service& service, const json& body) {
  if (!body.is_object() || !body.contains("repo") || !body["repo"].is_string()) return std::string();
  CORRAL_ASSIGN_OR_RETURN(std::string repo_id, service.resolve_repo(body["repo"]));
  if (repo_id.empty()) return Status::invalid_argument("'repo' is empty: name a repository");
  return repo_id;
}

// /v1/alerts[/ID[/ack|/resolve]] and /v1/alerts/destinations[/NAME[/test]].
ApiResponse route_alerts(Service& service, const policy::Caller& caller, const std::string& method,
                         const std::vector<std::string>& parts, const Query& query, const std::string& body) {
  AlertDesk desk(service.store());
  bool destinations = parts.size() >= 2 && parts[1] == "destinations";
  if (destinations && parts.size() == 2) {
    if (method == "GET") return respond(desk.destinations(caller));
    if (method != "POST") return method_not_allowed_for(method);
    auto parsed = parse_body(body);
    if (!parsed.is_ok()) return respond(parsed.status());
    auto repo_id = body_repo(service, *parsed);
    if (!repo_id.is_ok()) return respond(repo_id.status());
    return respond(desk.add_destination(caller, *parsed, *repo_id), 201);
  }
  if (destinations && parts.size() == 3) {
    if (method != "DELETE") return method_not_allowed_for(method);
    return respond(desk.remove_destination(caller, parts[2]));
  }
  if (destinations && parts.size() == 4 && parts[3] == "test") {
    if (method != "POST") return method_not_allowed_for(method);
    return respond(desk.test_destination(caller, parts[2]));
  }
  if (parts.size() == 1) {
    if (method != "GET") return method_not_allowed_for(method);
    auto limit = integer_param(query, "limit", 100, 1, kMaxListLimit);
    if (!limit.is_ok()) return respond(limit.status());
    auto before = integer_param(query, "before", 0, 0, INT64_MAX);
    if (!before.is_ok()) return respond(before.status());
    auto repo = service.resolve_repo(param(query, "repo"));
    if (!repo.is_ok()) return respond(repo.status());
    return respond(desk.list(caller, {param(query, "state"), *repo, param(query, "rule"), param(query, "severity"),
                                      *before, static_cast<int>(*limit)}));
  }
  if (parts.size() == 2) {
    if (method != "GET") return method_not_allowed_for(method);
    return respond(desk.show(caller, parts[1]));
  }
  if (parts.size() == 3 && (parts[2] == "ack" || parts[2] == "resolve")) {
    if (method != "POST") return method_not_allowed_for(method);
    auto parsed = parse_body(body);
    if (!parsed.is_ok()) return respond(parsed.status());
    return respond(desk.settle(caller, parts[1], *parsed, parts[2] == "resolve"));
  }
  return respond(Status::not_found("no such endpoint"));
}

// Dispatches on the path segments after /v1.
ApiResponse route(Service& service, const policy::Caller& caller, const std::string& method,
                  const std::vector<std::string>& parts, const Query& query, const std::string& body) {
  const ApiResponse method_not_allowed = method_not_allowed_for(method);
  const std::string& collection = parts[0];
  if (collection == "tasks" && parts.size() == 1) {
    if (method == "POST") return created(body, [&](const json& b) { return service.submit(caller, b); });
    if (method != "GET") return method_not_allowed;
    auto limit = integer_param(query, "limit", 100, 1, kMaxListLimit);
    if (!limit.is_ok()) return respond(limit.status());
    std::string state_name = param(query, "state");
    std::optional<store::TaskState> state = store::parse_state(state_name);
    if (!state_name.empty() && !state) {
      return respond(Status::invalid_argument("parameter 'state': '" + state_name + "' is not a task state"));
    }
    auto offset = integer_param(query, "offset", 0, 0, INT32_MAX);
    if (!offset.is_ok()) return respond(offset.status());
    std::string order = param(query, "order");
    if (order != "" && order != "oldest" && order != "newest") {
      return respond(Status::invalid_argument("parameter 'order': '" + order + "' is neither oldest nor newest"));
    }
    auto repo = service.resolve_repo(param(query, "repo"));
    if (!repo.is_ok()) return respond(repo.status());
    return respond(
        service.list_tasks(caller, {*repo, state, static_cast<int>(*limit), param(query, "agent"),
                                    param(query, "submitter"), static_cast<int>(*offset), order == "newest"}));
  }
  if (collection == "tasks" && parts.size() == 2) {
    if (method != "GET") return method_not_allowed;
    return respond(service.show_task(caller, parts[1]));
  }
  if (collection == "tasks" && parts.size() == 3 && parts[2] == "stack") {
    if (method != "GET") return method_not_allowed;
    return respond(service.stack(caller, parts[1]));
  }
  if (collection == "tasks" && parts.size() == 3 && parts[2] == "rollback") {
    if (method != "POST") return method_not_allowed;
    return created(body, [&](const json& b) {
      return merge::BranchDesk(service.store(), service.layout()).rollback(caller, parts[1], b);
    });
  }
  if (collection == "tasks" && parts.size() == 3 && (parts[2] == "cancel" || parts[2] == "retry")) {
    if (method != "POST") return method_not_allowed;
    return respond(parts[2] == "cancel" ? service.cancel(caller, parts[1]) : service.retry(caller, parts[1]));
  }
  if (collection == "repos" && parts.size() == 1) {
    if (method == "GET") return respond(service.list_repos(caller));
    if (method != "POST") return method_not_allowed;
    return created(body, [&](const json& b) { return service.add_repo(caller, b); });
  }
  if (collection == "alerts") return route_alerts(service, caller, method, parts, query, body);
  if (collection == "scorecard" && parts.size() == 1) {
    if (method != "GET") return method_not_allowed;
    auto days = integer_param(query, "since", 30, 1, 365);
    if (!days.is_ok()) return respond(days.status());
    auto repo = service.resolve_repo(param(query, "repo"));
    if (!repo.is_ok()) return respond(repo.status());
    return respond(scorecard(service.store(), caller, *repo, static_cast<int>(*days)));
  }
  if (collection == "queues" && parts.size() == 1) {
    if (method != "GET") return method_not_allowed;
    auto repo = service.resolve_repo(param(query, "repo"));
    if (!repo.is_ok()) return respond(repo.status());
    return respond(
        merge::QueueDesk(service.store(), service.queue_board()).show(caller, *repo, param(query, "branch")));
  }
  if (collection == "killswitches" && parts.size() == 1) {
    if (method == "GET") return respond(KillSwitchDesk(service.store()).list(caller));
    if (method != "POST") return method_not_allowed;
    auto parsed = parse_body(body);
    if (!parsed.is_ok()) return respond(parsed.status());
    auto repo_id = body_repo(service, *parsed);
    if (!repo_id.is_ok()) return respond(repo_id.status());
    return respond(KillSwitchDesk(service.store()).set(caller, *parsed, *repo_id));
  }
  if (collection == "repos" && parts.size() == 2) {
    if (method != "GET") return method_not_allowed;
    return respond(RepoDesk(service.store(), service.layout()).show(caller, parts[1]));
  }
  if (collection == "repos" && parts.size() == 3 && parts[2] == "settings") {
    if (method == "GET") return respond(RepoDesk(service.store(), service.layout()).show(caller, parts[1]));
    if (method != "PATCH") return method_not_allowed;
    auto parsed = parse_body(body);
    if (!parsed.is_ok()) return respond(parsed.status());
    return respond(
        RepoDesk(service.store(), service.layout()).change(caller, parts[1], *parsed, param(query, "reason")));
  }
  if (collection == "repos" && parts.size() == 4 && parts[2] == "settings" && parts[3] == "history") {
    if (method != "GET") return method_not_allowed;
    return respond(SettingsVersionsDesk(service.store()).history(caller, parts[1]));
  }
  if (collection == "repos" && parts.size() == 4 && parts[2] == "settings" && parts[3] == "rollback") {
    if (method != "POST") return method_not_allowed;
    auto parsed = parse_body(body);
    if (!parsed.is_ok()) return respond(parsed.status());
    return respond(SettingsVersionsDesk(service.store()).rollback(caller, parts[1], *parsed));
  }
  if (collection == "repos" && parts.size() == 3 && parts[2] == "simulate") {
    if (method != "POST") return method_not_allowed;
    auto parsed = parse_body(body);
    if (!parsed.is_ok()) return respond(parsed.status());
    // version=N: the changes apply to settings version N, compared with the settings in force.
    auto version = integer_param(query, "version", 0, 1, INT64_MAX);
    if (!version.is_ok()) return respond(version.status());
    return respond(RepoDesk(service.store(), service.layout()).simulate(caller, parts[1], *parsed, *version));
  }
  if (collection == "repos" && parts.size() == 4 && parts[2] == "policy" && parts[3] == "replay") {
    if (method != "POST") return method_not_allowed;
    auto parsed = parse_body(body);
    if (!parsed.is_ok()) return respond(parsed.status());
    auto days = integer_param(query, "days", 7, 1, 365);
    if (!days.is_ok()) return respond(days.status());
    return respond(
        RepoDesk(service.store(), service.layout()).replay_policy(caller, parts[1], *parsed, static_cast<int>(*days)));
  }
  if (collection == "repos" && parts.size() == 3 && parts[2] == "kpis") {
    if (method != "GET") return method_not_allowed;
    return respond(RepoDesk(service.store(), service.layout()).kpi_history(caller, parts[1]));
  }
  if (collection == "repos" && parts.size() == 3 && parts[2] == "branches") {
    if (method != "POST") return method_not_allowed;
    return created(body, [&](const json& b) {
      return merge::BranchDesk(service.store(), service.layout()).move_branch(caller, parts[1], b);
    });
  }
  if (collection == "reviews" && parts.size() == 1) {
    if (method != "GET") return method_not_allowed;
    auto repo = service.resolve_repo(param(query, "repo"));
    if (!repo.is_ok()) return respond(repo.status());
    return respond(merge::ReviewDesk(service.store(), service.layout()).list(caller, *repo));
  }
  if (collection == "reviews" && parts.size() == 2) {
    if (method != "GET") return method_not_allowed;
    merge::DiffPage page;
    for (auto [name, field, most] : {std::tuple{"files_offset", &page.file_offset, INT64_MAX},
                                     std::tuple{"files_limit", &page.file_limit, int64_t{10000}},
                                     std::tuple{"patch_bytes", &page.patch_bytes, int64_t{16} << 20}}) {
      auto value = integer_param(query, name, *field, name == std::string("files_offset") ? 0 : 1, most);
      if (!value.is_ok()) return respond(value.status());
      *field = *value;
    }
    return respond(merge::ReviewDesk(service.store(), service.layout()).show(caller, parts[1], page));
  }
  if (collection == "reviews" && parts.size() == 3 && (parts[2] == "approve" || parts[2] == "reject")) {
    if (method != "POST") return method_not_allowed;
    merge::ReviewDesk desk(service.store(), service.layout());
    return created(body, [&](const json& b) {
      return parts[2] == "approve" ? desk.approve(caller, parts[1], b) : desk.reject(caller, parts[1], b);
    });
  }
  if (collection == "tokens" && parts.size() == 1) {
    if (method == "GET") return respond(service.list_tokens(caller));
    if (method != "POST") return method_not_allowed;
    return created(body, [&](const json& b) { return service.create_token(caller, b); });
  }
  if (collection == "tokens" && parts.size() == 2) {
    if (method != "DELETE") return method_not_allowed;
    return respond(service.revoke_token(caller, parts[1]));
  }
  if (collection == "audit" && parts.size() == 1) {
    if (method != "GET") return method_not_allowed;
    return respond(service.audit(caller));
  }
  if (collection == "events" && parts.size() == 1) {
    if (method != "GET") return method_not_allowed;
    return respond(events_page(service, caller, query));
  }
  return respond(Status::not_found("no such endpoint"));
}

// The session cookie: HttpOnly (no script reads it), SameSite=Strict (no
// other site's page sends it), Secure over TLS.
std::string session_cookie(const std::string& value, int max_age, bool secure) {
  return std::string(kSessionCookie) + "=" + value + "; Path=/; Max-Age=" + std::to_string(max_age) +
         "; HttpOnly; SameSite=Strict" + (secure ? "; Secure" : "");
}

json session_json(const policy::Caller& caller, const std::string& csrf, const std::string& expires_at) {
  return {{"name", caller.name},
          {"role", caller.role},
          {"repo_scope", caller.repo_scope},
          {"csrf", csrf},
          {"expires_at", expires_at}};
}

// /v1/session: signing in needs no caller (the token is in the body).
ApiResponse session_route(Service& service, const ApiRequest& request) {
  SessionDesk desk(service);
  std::string secret = cookie_value(request.cookie, kSessionCookie);
  if (request.method == "POST") {
    auto body = parse_body(request.body);
    if (!body.is_ok()) return respond(body.status());
    if (!body->is_object() || !body->value("token", json()).is_string()) {
      return respond(Status::invalid_argument("send {\"token\": \"<API token>\"} to sign in"));
    }
    auto signed_in = desk.sign_in((*body)["token"].get<std::string>());
    if (!signed_in.is_ok()) return respond(signed_in.status());
    ApiResponse response = respond(session_json(signed_in->caller, signed_in->csrf, signed_in->expires_at), 201);
    response.headers.push_back(
        {"Set-Cookie", session_cookie(signed_in->secret, signed_in->max_age_seconds, request.secure)});
    return response;
  }
  if (request.method == "GET") {
    if (secret.empty()) return respond(Status::unauthenticated("not signed in"));
    auto found = desk.find(secret);
    if (!found.is_ok()) return respond(found.status());
    return respond(session_json(found->caller, found->csrf, found->expires_at));
  }
  if (request.method == "DELETE") {
    // Signing out changes something too: it needs the CSRF token.
    auto caller = caller_of(service, request);
    if (!caller.is_ok()) return respond(caller.status());
    Status ended = desk.sign_out(secret);
    if (!ended.is_ok()) return respond(ended);
    ApiResponse response = respond(json{{"signed_out", true}});
    response.headers.push_back({"Set-Cookie", session_cookie("", 0, request.secure)});
    return response;
  }
  return {
      405,
      json{{"error", {{"code", "method_not_allowed"}, {"message", request.method + " is not allowed here"}}}}.dump()};
}

// GET /metrics: the Prometheus text format, authorised like the API.
ApiResponse metrics_route(Service& service, const ApiRequest& request) {
  if (request.method != "GET") return method_not_allowed_for(request.method);
  auto caller = caller_of(service, request);
  if (!caller.is_ok()) return {http_status_for(caller.status()), error_body(caller.status())};
  auto text = service.metrics(*caller);
  if (!text.is_ok()) return {http_status_for(text.status()), error_body(text.status())};
  return {200, std::move(*text), {{"Content-Type", "text/plain; version=0.0.4; charset=utf-8"}}};
}

}  // namespace

std::string error_body(const Status& status) {
  return json{{"error", {{"code", code_name(status.code())}, {"message", status.message()}}}}.dump(
      -1, ' ', false, json::error_handler_t::replace);
}

ApiResponse handle_api(Service& service, const ApiRequest& request) {
  auto [path, query] = split_target(request.target);
  if (path == "/v1/health") return {200, R"({"ok":true})"};
  if (path == "/metrics") return metrics_route(service, request);
  if (path.rfind("/v1/", 0) != 0) return {404, error_body(Status::not_found("no such endpoint: " + path))};
  if (path == "/v1/session") return session_route(service, request);
  auto caller = caller_of(service, request);
  if (!caller.is_ok()) return {http_status_for(caller.status()), error_body(caller.status())};
  return route(service, *caller, request.method, split_path(path.substr(3)), query, request.body);
}

bool is_health_check(const ApiRequest& request) { return split_target(request.target).first == "/v1/health"; }

bool is_event_stream(const ApiRequest& request) {
  auto [path, query] = split_target(request.target);
  return request.method == "GET" && path == "/v1/events" && param(query, "follow") == "1";
}

Result<EventStream> parse_event_stream(Service& service, const ApiRequest& request) {
  auto [path, query] = split_target(request.target);
  auto caller = caller_of(service, request);
  if (!caller.is_ok()) return caller.status();
  // after=latest: only what is stored from now on (a page that has just
  // read the current state, or will on the stream's opening).
  auto after =
      param(query, "after") == "latest" ? service.last_event_seq() : integer_param(query, "after", 0, 0, INT64_MAX);
  if (!after.is_ok()) return after.status();
  auto repo = service.resolve_repo(param(query, "repo"));
  if (!repo.is_ok()) return repo.status();
  EventStream stream{*caller,
                     request.authorization,
                     cookie_value(request.cookie, kSessionCookie),
                     *after,
                     {param(query, "task"), *repo, param(query, "type")},
                     param(query, "typed") != "0"};
  if (!request.last_event_id.empty()) {
    char* end = nullptr;
    long long resumed = std::strtoll(request.last_event_id.c_str(), &end, 10);
    if (*end != '\0' || resumed < 0) return Status::invalid_argument("Last-Event-ID must be an event sequence number");
    stream.after = resumed;
  }
  CORRAL_RETURN_IF_ERROR(
      policy::check_access(stream.caller, policy::Action::kRead,
                           stream.filter.repo_id.empty() ? stream.caller.repo_scope : stream.filter.repo_id));
  return stream;
}

Status check_event_stream(Service& service, const EventStream& stream) {
  if (stream.authorization.empty() && stream.session.empty()) return Status::ok();  // the local peer: no token
  ApiRequest request;
  request.method = "GET";
  request.authorization = stream.authorization;
  if (!stream.session.empty()) request.cookie = std::string(kSessionCookie) + "=" + stream.session;
  auto caller = caller_of(service, request);
  if (!caller.is_ok()) return caller.status();
  return policy::check_access(*caller, policy::Action::kRead,
                              stream.filter.repo_id.empty() ? caller->repo_scope : stream.filter.repo_id);
}

}  // namespace corral::api
