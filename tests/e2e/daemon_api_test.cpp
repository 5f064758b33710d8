// The daemon's API over real sockets: every endpoint, every role, and bad
// requests that must be refused with the right status and change nothing.
#include <sys/socket.h>
#include <sys/un.h>

#include <thread>

#include "tests/e2e/daemon_fixture.h"

namespace corral::e2e {
namespace {

using json = nlohmann::json;

class DaemonApi : public DaemonE2E {
 protected:
  std::string token(const std::string& role, const std::string& repo_scope = "*") {
    auto created =
        local("POST", "/v1/tokens", json{{"name", role + "-token"}, {"role", role}, {"repo", repo_scope}}.dump());
    EXPECT_TRUE(created.contains("token")) << created.dump();
    return created.value("token", "");
  }

  size_t task_count() { return local("GET", "/v1/tasks?limit=1000")["tasks"].size(); }

  std::string task_body(const std::string& repository = "") {
    return json{{"repo", repository.empty() ? repo() : repository}, {"agent", "true"}, {"prompt", "p"}}.dump();
  }
};

TEST_F(DaemonApi, ASecondDaemonOnTheSameDataIsRefused) {
  auto second = corral("serve");
  EXPECT_EQ(second.exit_code, 2);
  EXPECT_NE(second.err.find("another corral serve is already running"), std::string::npos) << second.err;
  EXPECT_EQ(local("GET", "/v1/repos")["repos"].size(), 1u) << "the first one still answers";
}

TEST_F(DaemonApi, HealthNeedsNoToken) { EXPECT_EQ(tcp("GET", "/v1/health", ""), "200 {\"ok\":true}"); }

TEST_F(DaemonApi, TheLocalSocketPeerIsAdminAndEveryEndpointAnswers) {
  auto repos = local("GET", "/v1/repos");
  ASSERT_EQ(repos["repos"].size(), 1u);
  std::string task = submit("echo hi; true", "greet");
  EXPECT_EQ(local("GET", "/v1/tasks/" + task)["prompt"], "greet");
  EXPECT_EQ(wait_for_state(task, "succeeded")["state"], "succeeded");
  auto listed = local("GET", "/v1/tasks?state=succeeded");
  EXPECT_EQ(listed["tasks"].size(), 1u);
  auto events = local("GET", "/v1/events?task=" + task);
  EXPECT_GE(events["events"].size(), 4u);
  EXPECT_EQ(events["events"][0]["type"], "task.queued");
  auto page = local("GET", "/v1/events?type=task.&limit=2");
  EXPECT_EQ(page["events"].size(), 2u);

  std::string slow = submit("sleep 60 #", "slow");
  wait_for_state(slow, "running");
  EXPECT_EQ(local("POST", "/v1/tasks/" + slow + "/cancel")["state"], "cancelled");
  EXPECT_EQ(local("POST", "/v1/tasks/" + slow + "/retry")["state"], "queued");
  local("POST", "/v1/tasks/" + slow + "/cancel");

  auto made = local("POST", "/v1/tokens", json{{"name", "ci"}, {"role", "submitter"}}.dump());
  EXPECT_EQ(made["token"].get<std::string>().rfind("crl_", 0), 0u);
  auto tokens = local("GET", "/v1/tokens");
  ASSERT_EQ(tokens["tokens"].size(), 1u);
  EXPECT_FALSE(tokens.dump().find(made["token"].get<std::string>()) != std::string::npos) << "secrets are never listed";
  EXPECT_EQ(local("DELETE", "/v1/tokens/" + made["id"].get<std::string>())["revoked"], true);
}

// Every event about a task carries the task's repository, so a reader scoped
// to that repository sees all of them (task.held once had none, and was lost
// to such readers).
TEST_F(DaemonApi, AReaderScopedToTheRepositorySeesEveryEventOfItsTasks) {
  std::string repo_id = local("GET", "/v1/repos")["repos"][0]["id"];
  std::string parent = submit("exit 3", "fails");
  std::string child = submit("true", "child", "\"parents\":[\"" + parent + "\"]");
  ASSERT_EQ(wait_for_state(child, "held")["state"], "held");
  for (const std::string& task : {parent, child}) {
    for (const auto& event : local("GET", "/v1/events?task=" + task)["events"]) {
      EXPECT_EQ(event["repo"], repo_id) << event.dump();
    }
  }
  std::string answer = tcp("GET", "/v1/events?task=" + child, token("reviewer", repo_id));
  ASSERT_EQ(answer.substr(0, 3), "200") << answer;
  auto events = json::parse(answer.substr(4))["events"];
  ASSERT_EQ(events.size(), 2u) << events.dump();
  EXPECT_EQ(events[0]["type"], "task.queued");
  EXPECT_EQ(events[1]["type"], "task.held");
  EXPECT_EQ(events[1]["payload"]["reason"], "parent " + parent + " failed");
}

// With a certificate the TCP listener speaks TLS only: a client that trusts
// the certificate gets its answers, plain HTTP to the same port gets none.
TEST_F(DaemonApi, TheTcpListenerSpeaksTlsWhenGivenACertificate) {
  std::string cert = dir_ / "cert.pem", key = dir_ / "key.pem";
  sh_ok(
      "openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=localhost "
      "-addext subjectAltName=DNS:localhost,IP:127.0.0.1 -keyout " +
      quote(key) + " -out " + quote(cert) + " 2>&1");
  stop_daemon(SIGTERM);
  start_daemon("--tls-cert " + quote(cert) + " --tls-key " + quote(key));
  ASSERT_TRUE(ready_);
  EXPECT_NE(testing::read_file(dir_ / "serve.log").find("over TLS"), std::string::npos);
  std::string https = "https" + tcp_.substr(4);  // tcp_ is http://127.0.0.1:PORT
  std::string health = sh("curl -s --max-time 10 --cacert " + quote(cert) + " " + quote(https + "/v1/health")).out;
  EXPECT_NE(health.find("\"ok\":true"), std::string::npos) << health;
  std::string token_answer = sh("curl -s --max-time 10 --cacert " + quote(cert) + " -H " +
                                quote("Authorization: Bearer " + token("reviewer")) + " " + quote(https + "/v1/tasks"))
                                 .out;
  EXPECT_NE(token_answer.find("\"tasks\""), std::string::npos) << token_answer;
  auto plain = sh("curl -s --max-time 10 " + quote(tcp_ + "/v1/health"));
  EXPECT_EQ(plain.out.find("\"ok\":true"), std::string::npos) << "no plain HTTP on the TLS port: " << plain.out;
  auto unverified = sh("curl -s --max-time 10 " + quote(https + "/v1/health"));
  EXPECT_NE(unverified.exit_code, 0) << "an unknown certificate is not trusted by default";

  // corral's own CLI speaks TLS too, and checks the certificate the same way.
  std::string as_reviewer = "CORRAL_API=" + quote(https) + " CORRAL_TOKEN=" + quote(token("reviewer"));
  auto listed = corral("task list --json", as_reviewer + " CORRAL_API_CA=" + quote(cert));
  EXPECT_EQ(listed.exit_code, 0) << listed.err;
  EXPECT_NE(listed.out.find("\"tasks\""), std::string::npos) << listed.out;
  auto untrusted = corral("task list --json", as_reviewer);
  EXPECT_NE(untrusted.exit_code, 0);
  EXPECT_NE(untrusted.err.find("TLS with the corral daemon"), std::string::npos) << untrusted.err;
}

TEST_F(DaemonApi, WithoutAValidTokenEverythingIs401) {
  std::string revoked = token("admin");
  auto tokens = local("GET", "/v1/tokens");
  local("DELETE", "/v1/tokens/" + tokens["tokens"][0]["id"].get<std::string>());
  for (const std::string& bad : {std::string(""), std::string("crl_not-a-token"), revoked}) {
    for (auto [method, target] : std::vector<std::pair<std::string, std::string>>{{"GET", "/v1/tasks"},
                                                                                  {"POST", "/v1/tasks"},
                                                                                  {"GET", "/v1/repos"},
                                                                                  {"GET", "/v1/tokens"},
                                                                                  {"GET", "/v1/events"},
                                                                                  {"POST", "/v1/repos"}}) {
      std::string answer = tcp(method, target, bad, method == "POST" ? task_body() : "");
      EXPECT_EQ(answer.substr(0, 3), "401") << method << " " << target << " with '" << bad << "': " << answer;
      EXPECT_NE(answer.find("\"code\":\"unauthenticated\""), std::string::npos) << answer;
    }
  }
  EXPECT_EQ(task_count(), 0u) << "nothing changed";
}

TEST_F(DaemonApi, RolesAndScopesDecideWithoutChangingAnything) {
  std::string other = dir_ / "other-repo";
  testing::make_sample_repo(other);
  local("POST", "/v1/repos", json{{"path", other}}.dump());
  std::string repo_id = local("GET", "/v1/repos")["repos"][0]["id"];

  std::string reviewer = token("reviewer");
  EXPECT_EQ(tcp("GET", "/v1/tasks", reviewer).substr(0, 3), "200");
  EXPECT_EQ(tcp("POST", "/v1/tasks", reviewer, task_body()).substr(0, 3), "403");
  EXPECT_EQ(tcp("GET", "/v1/tokens", reviewer).substr(0, 3), "403");

  std::string scoped = token("submitter", repo_id);
  std::string allowed = tcp("POST", "/v1/tasks", scoped, task_body());
  EXPECT_EQ(allowed.substr(0, 3), "201") << allowed;
  EXPECT_EQ(tcp("POST", "/v1/tasks", scoped, task_body(other)).substr(0, 3), "403");
  EXPECT_EQ(tcp("POST", "/v1/repos", scoped, json{{"path", other}}.dump()).substr(0, 3), "403");
  EXPECT_EQ(tcp("POST", "/v1/tokens", scoped, json{{"name", "x"}, {"role", "admin"}}.dump()).substr(0, 3), "403");

  std::string owner = token("owner");
  EXPECT_EQ(tcp("POST", "/v1/tasks", owner, task_body(other)).substr(0, 3), "201");
  EXPECT_EQ(tcp("GET", "/v1/tokens", owner).substr(0, 3), "403");

  // The scoped token sees only its repository's tasks.
  std::string listed = tcp("GET", "/v1/tasks", scoped);
  EXPECT_EQ(json::parse(listed.substr(4))["tasks"].size(), 1u) << listed;
  EXPECT_EQ(task_count(), 2u);
}

TEST_F(DaemonApi, BadRequestsAreRefusedAndChangeNothing) {
  struct Case {
    std::string method, target, body, status, words;
  };
  std::string huge =
      "{\"repo\":\"" + repo() + "\",\"agent\":\"true\",\"prompt\":\"" + std::string(2 << 20, 'x') + "\"}";
  std::vector<Case> cases = {
      {"POST", "/v1/tasks", "{not json", "400", "not valid JSON"},
      {"POST", "/v1/tasks", "[1,2]", "400", "must be a JSON object"},
      {"POST", "/v1/tasks", json{{"repo", repo()}, {"agent", "true"}, {"prompt", 5}}.dump(), "400",
       "'prompt' must be a string"},
      {"POST", "/v1/tasks", json{{"repo", repo()}, {"agent", "true"}, {"prompt", "p"}, {"colour", "red"}}.dump(), "400",
       "unknown field 'colour'"},
      {"POST", "/v1/tasks", json{{"repo", repo()}, {"agent", "true"}}.dump(), "400", "missing the field 'prompt'"},
      {"POST", "/v1/tasks", json{{"repo", repo()}, {"agent", "true"}, {"prompt", "p"}, {"priority", 1000}}.dump(),
       "400", "priority"},
      {"POST", "/v1/tasks", json{{"repo", "/nowhere"}, {"agent", "true"}, {"prompt", "p"}}.dump(), "404",
       "not registered"},
      {"POST", "/v1/tasks",
       json{{"repo", repo()}, {"agent", "true"}, {"prompt", "p"}, {"parents", {"t-00000000000000000a"}}}.dump(), "400",
       "does not exist"},
      {"POST", "/v1/tasks", huge, "413", "larger than 1 MiB"},
      {"GET", "/v1/tasks?limit=abc", "", "400", "limit"},
      {"GET", "/v1/tasks/../../etc", "", "404", ""},
      {"GET", "/v1/tasks/t-00000000000000000a", "", "404", "no task"},
      {"GET", "/v1/tasks/not-an-id", "", "400", "is not a task id"},
      {"DELETE", "/v1/tasks", "", "405", "not allowed"},
      {"GET", "/v1/nothing", "", "404", "no such endpoint"},
      {"POST", "/v1/tokens", json{{"name", "x"}, {"role", "emperor"}}.dump(), "400", "is not one of"},
      {"POST", "/v1/repos", json{{"path", "/etc"}}.dump(), "400", "not a git repository"},
      {"POST", "/v1/tasks/t-00000000000000000a/cancel", "{}", "404", "no task"},
  };
  std::string admin = token("admin");
  for (const Case& c : cases) {
    std::string answer = tcp(c.method, c.target, admin, c.body);
    EXPECT_EQ(answer.substr(0, 3), c.status) << c.method << " " << c.target << ": " << answer.substr(0, 300);
    EXPECT_NE(answer.find(c.words), std::string::npos) << c.method << " " << c.target << ": " << answer.substr(0, 300);
  }
  EXPECT_EQ(task_count(), 0u);
  EXPECT_EQ(local("GET", "/v1/repos")["repos"].size(), 1u);
}

TEST_F(DaemonApi, SubmissionIsIdempotentByKey) {
  std::string body = json{{"repo", repo()}, {"agent", "true"}, {"prompt", "once"}, {"idempotency_key", "k-1"}}.dump();
  auto first = local("POST", "/v1/tasks", body);
  auto second = local("POST", "/v1/tasks", body);
  EXPECT_EQ(first["id"], second["id"]);
  EXPECT_TRUE(first["created"].get<bool>());
  EXPECT_FALSE(second["created"].get<bool>());
  EXPECT_EQ(task_count(), 1u);
}

TEST_F(DaemonApi, ABatchWithACycleIsRefusedWhole) {
  json cyclic = {{"tasks",
                  {{{"ref", "a"}, {"repo", repo()}, {"agent", "true"}, {"prompt", "a"}, {"parents", {"b"}}},
                   {{"ref", "b"}, {"repo", repo()}, {"agent", "true"}, {"prompt", "b"}, {"parents", {"a"}}}}}};
  auto refused = local("POST", "/v1/tasks", cyclic.dump());
  EXPECT_EQ(refused["error"]["code"], "invalid_argument");
  EXPECT_NE(refused["error"]["message"].get<std::string>().find("cycle"), std::string::npos) << refused.dump();
  EXPECT_EQ(task_count(), 0u);

  json stacked = {{"tasks",
                   {{{"ref", "child"}, {"repo", repo()}, {"agent", "true"}, {"prompt", "c"}, {"parents", {"parent"}}},
                    {{"ref", "parent"}, {"repo", repo()}, {"agent", "true"}, {"prompt", "p"}}}}};
  auto accepted = local("POST", "/v1/tasks", stacked.dump());
  ASSERT_EQ(accepted["tasks"].size(), 2u) << accepted.dump();
  EXPECT_EQ(accepted["tasks"][1]["parents"][0], accepted["tasks"][0]["id"]) << "parents are inserted first";
}

TEST_F(DaemonApi, ASlowClientDoesNotHoldUpOthers) {
  int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  std::snprintf(address.sun_path, sizeof address.sun_path, "%s", socket().c_str());
  ASSERT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
  std::string partial = "POST /v1/tasks HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n{\"repo\":";
  ASSERT_GT(::write(fd, partial.data(), partial.size()), 0);
  auto started = std::chrono::steady_clock::now();
  EXPECT_EQ(local("GET", "/v1/repos")["repos"].size(), 1u);
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(5));
  ::close(fd);
  EXPECT_EQ(task_count(), 0u);
}

// Requests that are no HTTP get an answer naming what is wrong, not a
// dropped connection.
TEST_F(DaemonApi, MalformedRequestsAreAnsweredNotDropped) {
  auto send_raw = [&](const std::string& bytes) {
    int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::snprintf(address.sun_path, sizeof address.sun_path, "%s", socket().c_str());
    if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) return std::string("no connect");
    if (::write(fd, bytes.data(), bytes.size()) < 0) return std::string("no write");
    std::string answer;
    char chunk[4096];
    for (ssize_t got; (got = ::read(fd, chunk, sizeof chunk)) > 0;) answer.append(chunk, static_cast<size_t>(got));
    ::close(fd);
    return answer;
  };
  std::string big = send_raw("GET /v1/health HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(9000, 'a') + "\r\n\r\n");
  EXPECT_EQ(big.rfind("HTTP/1.1 431", 0), 0u) << big;
  std::string nonsense = send_raw("NOT HTTP AT ALL\r\n\r\n");
  EXPECT_EQ(nonsense.rfind("HTTP/1.1 400", 0), 0u) << nonsense;
  EXPECT_NE(nonsense.find("malformed request"), std::string::npos) << nonsense;
  std::string nul = send_raw(std::string("GET /v1/health HTTP/1.1\r\nHost: x\0y\r\n\r\n", 38));
  EXPECT_EQ(nul.rfind("HTTP/1.1 400", 0), 0u) << nul;
  EXPECT_EQ(local("GET", "/v1/repos")["repos"].size(), 1u) << "the daemon serves on";
}

// A stream opened with a token ends when the token is revoked: it was
// resolved once when the stream opened, and kept receiving events after.
TEST_F(DaemonApi, RevokingATokenEndsItsOpenEventStreams) {
  std::string reader = token("reviewer");
  std::string out = dir_ / "stream.out";
  std::string command = "curl -s -N --max-time 30 -H " + quote("Authorization: Bearer " + reader) + " " +
                        quote(tcp_ + "/v1/events?follow=1") + " > " + quote(out) + "; echo $? > " +
                        quote(out + ".exit");
  std::thread streaming([&] { sh(command); });
  ASSERT_TRUE(testing::wait_for([&] { return testing::read_file(out).find(": waiting") != std::string::npos; },
                                std::chrono::seconds(10)))
      << "the stream opened";
  std::string id;
  json tokens = local("GET", "/v1/tokens")["tokens"];
  for (const json& listed : tokens) {
    if (listed["name"] == "reviewer-token") id = listed["id"];
  }
  ASSERT_EQ(local("DELETE", "/v1/tokens/" + id)["revoked"], true);
  bool ended = testing::wait_for([&] { return !testing::read_file(out + ".exit").empty(); }, std::chrono::seconds(10));
  std::string after = submit("true", "submitted after the revocation");
  streaming.join();
  EXPECT_TRUE(ended) << "the stream ended within seconds, not at curl's 30 s limit";
  EXPECT_EQ(testing::read_file(out).find(after), std::string::npos) << "nothing after the revocation";
}

TEST_F(DaemonApi, EventsStreamLiveAndResume) {
  std::string task = submit("echo streamed; true", "stream me");
  wait_for_state(task, "succeeded");
  std::string stream = curl("/v1/events?follow=1&task=" + task, "-N --max-time 2");
  EXPECT_NE(stream.find("event: task.queued"), std::string::npos) << stream;
  EXPECT_NE(stream.find("event: task.finished"), std::string::npos) << stream;
  EXPECT_NE(stream.find("streamed"), std::string::npos);
  auto events = local("GET", "/v1/events?task=" + task);
  int64_t third = events["events"][2]["seq"];
  std::string resumed =
      curl("/v1/events?follow=1&task=" + task, "-N --max-time 2 -H 'Last-Event-ID: " + std::to_string(third) + "'");
  EXPECT_EQ(resumed.find("event: task.queued"), std::string::npos) << "resumed after event " << third;
  EXPECT_NE(resumed.find("event: task.finished"), std::string::npos);
  std::string untyped = curl("/v1/events?follow=1&typed=0&task=" + task, "-N --max-time 2");
  EXPECT_EQ(untyped.find("event: "), std::string::npos) << "typed=0: plain messages\n" << untyped;
  EXPECT_NE(untyped.find("\"type\":\"task.finished\""), std::string::npos) << untyped;
  std::string from_now = curl("/v1/events?follow=1&after=latest", "-N --max-time 2");
  EXPECT_EQ(from_now.find("event: "), std::string::npos) << "after=latest: nothing stored before it opened\n"
                                                         << from_now;
  EXPECT_NE(from_now.find(": waiting"), std::string::npos) << from_now;
}

}  // namespace
}  // namespace corral::e2e
