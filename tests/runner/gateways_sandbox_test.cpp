// A run's gateways from inside a real sandbox (Docker backend): the sandbox
// has no network, its supervisor relays loopback ports to the run's sockets,
// and the egress proxy, the LLM gateway and the tool gate decide. The agent
// side is bash with /dev/tcp (the test image has no HTTP client).
#include "runner/gateways/run_gateways.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <mutex>
#include <thread>

#include <nlohmann/json.hpp>

#include "containers/docker_backend.h"
#include "tests/containers/backend_fixture.h"
#include "tests/support/loopback_http.h"
#include "tests/support/model_server.h"

namespace corral::runner {
namespace {

using containers::SandboxSpec;
using nlohmann::json;

struct Recorded {
  std::mutex mutex;
  std::vector<std::pair<std::string, json>> events;
  EmitEvent emitter() {
    return [this](const std::string& type, const json& payload) {
      std::lock_guard lock(mutex);
      events.emplace_back(type, payload);
    };
  }
  std::vector<json> of(const std::string& type) {
    std::lock_guard lock(mutex);
    std::vector<json> found;
    for (const auto& [t, payload] : events) {
      if (t == type) found.push_back(payload);
    }
    return found;
  }
};

// bash: one request through a loopback port; prints "LABEL <status line>".
constexpr const char* kRequestFunction =
    "req() { if exec 3<>/dev/tcp/127.0.0.1/$2; then printf \"$3\" >&3; "
    "IFS= read -r line <&3; echo \"$1 ${line%$'\\r'}\"; cat <&3 >/dev/null; exec 3<&-; "
    "else echo \"$1 unreachable\"; fi; }; ";

class GatewaysInSandbox : public containers::BackendFixture {
 protected:
  void SetUp() override {
    BackendFixture::SetUp();
    image_ = testing::docker_test_image();
    auto backend = containers::DockerBackend::connect("/var/run/docker.sock", dir_.path());
    ASSERT_TRUE(backend.is_ok()) << backend.status().to_string();
    backend_ = std::move(*backend);
  }

  // Runs `script` under bash with `plan`'s gateways; returns stdout.
  std::string run_with(GatewayPlan plan, const std::string& script, std::string* errors = nullptr) {
    plan.dir = dir_ / "run";
    auto gateways = RunGateways::start(std::move(plan), recorded_.emitter(), clock_);
    EXPECT_TRUE(gateways.is_ok()) << gateways.status().to_string();
    if (!gateways.is_ok()) return "";
    SandboxSpec sandbox = spec("");
    sandbox.argv = {"/bin/bash", "-c", script};
    sandbox.run_dir_host_path = (*gateways)->run_dir();
    sandbox.relays = (*gateways)->relays();
    for (const std::string& variable : (*gateways)->environment()) sandbox.env.push_back(variable);
    std::string output;
    run(sandbox, &output, std::chrono::seconds(60), errors);
    gateways->reset();
    EXPECT_FALSE(std::filesystem::exists(dir_ / "run")) << "the run directory outlived the run";
    return output;
  }

  Recorded recorded_;
  SystemClock clock_;
};

TEST_F(GatewaysInSandbox, TheEgressProxyLetsOnlyTheAllowlistOut) {
  testing::LoopbackHttpServer host_server;
  std::string port = std::to_string(host_server.port());
  EgressPolicy egress;
  egress.urls.allowed_hosts = {"models.corral.test", "private.corral.test", "localhost"};
  egress.urls.internal_hosts = {"models.corral.test"};  // the owner's explicit exception: the test server
  egress.urls.schemes = {"http", "https"};
  egress.urls.extra_ports = {host_server.port()};
  egress.fixed_hosts = {{"models.corral.test", {"127.0.0.1"}}, {"private.corral.test", {"10.20.30.40"}}};
  GatewayPlan plan;
  plan.egress = egress;
  // The Host header names somewhere else: the proxy sends the checked host's.
  auto get = [&](const std::string& label, const std::string& host) {
    return "req " + label + " 3128 'GET http://" + host + ":" + port +
           "/x HTTP/1.1\\r\\nHost: fronted.example\\r\\n\\r\\n'; ";
  };
  std::string script =
      std::string(kRequestFunction) + get("allowed", "models.corral.test") +
      // no path, and a slash in the query: the path is "/", the query stays whole
      "req allowed_query 3128 'GET http://models.corral.test:" + port + "?q=x/y HTTP/1.1\\r\\n\\r\\n'; " +
      get("other", "other.corral.test") + get("raw_ip", "127.0.0.1") + get("private", "private.corral.test") +
      get("loopback_name", "localhost") +
      // CONNECT opens a tunnel; what goes through it is the client's business
      "exec 3<>/dev/tcp/127.0.0.1/3128; printf 'CONNECT models.corral.test:" + port +
      " HTTP/1.1\\r\\n\\r\\n' >&3; IFS= read -r l <&3; read -r blank <&3; echo \"tunnel ${l%$'\\r'}\"; "
      "printf 'GET / HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n' >&3; IFS= read -r l <&3; "
      "echo \"through ${l%$'\\r'}\"; exec 3<&-; "
      // and without the proxy there is no way at all
      "req direct " +
      port +
      " 'GET / HTTP/1.1\\r\\n\\r\\n'; "
      "echo \"proxy $HTTP_PROXY\"";
  std::string output = run_with(plan, script);
  EXPECT_NE(output.find("allowed HTTP/1.1 200 OK"), std::string::npos) << output;
  for (const char* refused : {"other", "raw_ip", "private", "loopback_name"}) {
    EXPECT_NE(output.find(std::string(refused) + " HTTP/1.1 403 Forbidden"), std::string::npos) << refused << "\n"
                                                                                                << output;
  }
  EXPECT_NE(output.find("tunnel HTTP/1.1 200 Connection Established"), std::string::npos) << output;
  EXPECT_NE(output.find("through HTTP/1.1 200 OK"), std::string::npos) << output;
  EXPECT_NE(output.find("direct unreachable"), std::string::npos) << output;
  EXPECT_NE(output.find("proxy http://127.0.0.1:3128"), std::string::npos) << output;
  EXPECT_NE(output.find("allowed_query HTTP/1.1 200 OK"), std::string::npos) << output;
  EXPECT_EQ(host_server.requests(), 3) << "only the allowed requests and the tunnelled one reached the host";
  std::string proxied = host_server.seen().front();
  EXPECT_EQ(proxied.find("Host: models.corral.test:" + port + "\r\n"), proxied.find("Host:")) << proxied;
  EXPECT_EQ(proxied.find("fronted.example"), std::string::npos) << proxied;
  EXPECT_EQ(proxied.rfind("GET /x HTTP/1.1\r\n", 0), 0u) << "origin-form for the server";
  std::string with_query = host_server.seen()[1];
  EXPECT_EQ(with_query.rfind("GET /?q=x/y HTTP/1.1\r\n", 0), 0u)
      << "the URL that was checked is the one sent: " << with_query;

  std::vector<json> allowed = recorded_.of("egress.allowed");
  ASSERT_EQ(allowed.size(), 3u);
  EXPECT_EQ(allowed[0]["host"], "models.corral.test");
  EXPECT_EQ(allowed[0]["port"], host_server.port());
  EXPECT_EQ(allowed[0]["address"], "127.0.0.1");
  EXPECT_GT(allowed[0]["bytes_sent"].get<int64_t>(), 20);
  EXPECT_EQ(allowed[0]["bytes_received"].get<int64_t>(),
            static_cast<int64_t>(testing::LoopbackHttpServer::answer().size()));
  EXPECT_EQ(allowed[2]["method"], "CONNECT");
  std::map<std::string, std::string> denied;
  for (const json& event : recorded_.of("egress.denied")) denied[event["host"]] = event["rule"];
  EXPECT_EQ(denied["other.corral.test"], "host_not_allowed");
  EXPECT_EQ(denied["127.0.0.1"], "ip_literal");
  EXPECT_EQ(denied["private.corral.test"], "internal_address");
  EXPECT_EQ(denied["localhost"], "internal_address") << "a name that resolves to loopback is not a way in";
}

TEST_F(GatewaysInSandbox, WithoutEgressThereIsNoProxyAtAll) {
  GatewayPlan plan;
  plan.tools = ToolGatePolicy{};
  std::string output = run_with(plan, std::string(kRequestFunction) +
                                          "req proxy 3128 'GET http://example.com/ HTTP/1.1\\r\\n\\r\\n'; "
                                          "echo \"env:${HTTP_PROXY}.\"");
  EXPECT_NE(output.find("proxy unreachable"), std::string::npos) << output;
  EXPECT_NE(output.find("env:."), std::string::npos) << output;
}

TEST_F(GatewaysInSandbox, TheHookAsksTheToolGateAndBlocksWhatPolicyRefuses) {
  ToolGatePolicy tools;
  tools.worktree_host_path = workspace();
  ASSERT_EQ(::symlink("/etc", (workspace() + "/etc-link").c_str()), 0);
  GatewayPlan plan;
  plan.tools = tools;
  std::string script =
      "hook() { printf '%s' \"$2\" | /.corral/supervisor hook 2>/tmp/err; echo \"$1 rc=$? $(cat /tmp/err)\"; }; "
      "hook read_outside '{\"tool_name\":\"Read\",\"tool_input\":{\"file_path\":\"/etc/passwd\"}}'; "
      "hook through_link '{\"tool_name\":\"Read\",\"tool_input\":{\"file_path\":\"/workspace/etc-link/shadow\"}}'; "
      "hook write_inside "
      "'{\"tool_name\":\"Write\",\"tool_input\":{\"file_path\":\"/workspace/src/a.c\",\"content\":\"int x;\"}}'; "
      "hook force_push '{\"tool_name\":\"Bash\",\"tool_input\":{\"command\":\"git push -f origin main\"}}'; "
      "hook unknown '{\"tool_name\":\"Teleport\",\"tool_input\":{}}'; "
      "hook codex_patch '{\"tool_name\":\"apply_patch\",\"tool_input\":{\"command\":"
      "\"*** Begin Patch\\n*** Update File: /etc/hosts\\n@@\\n+1.2.3.4 evil\\n*** End Patch\\n\"}}'";
  std::string errors;
  std::string output = run_with(plan, script, &errors);
  EXPECT_TRUE(errors.empty()) << errors;
  EXPECT_NE(output.find("read_outside rc=2 corral: outside_workspace"), std::string::npos) << output;
  EXPECT_NE(output.find("through_link rc=2 corral: symlink_escape"), std::string::npos) << output;
  EXPECT_NE(output.find("write_inside rc=0"), std::string::npos) << output;
  EXPECT_NE(output.find("force_push rc=2 corral: force_push"), std::string::npos) << output;
  EXPECT_NE(output.find("unknown rc=2 corral: unknown_tool"), std::string::npos) << output;
  EXPECT_NE(output.find("codex_patch rc=2 corral: outside_workspace"), std::string::npos) << output;
  std::vector<json> blocked = recorded_.of("tool.blocked");
  ASSERT_EQ(blocked.size(), 5u);
  EXPECT_EQ(blocked[0]["tool"], "Read");
  EXPECT_EQ(blocked[0]["arguments"]["file_path"], "/etc/passwd");
  EXPECT_EQ(blocked[0]["rule"], "outside_workspace");
  std::vector<json> invoked = recorded_.of("tool.invoked");
  ASSERT_EQ(invoked.size(), 1u);
  EXPECT_EQ(invoked[0]["tool"], "Write");
}

TEST_F(GatewaysInSandbox, TheHookFailsClosedWithoutAToolGate) {
  GatewayPlan plan;  // no gates at all: the socket is missing
  std::string output = run_with(plan,
                                "printf '{\"tool_name\":\"Write\",\"tool_input\":{\"file_path\":\"a\"}}' | "
                                "/.corral/supervisor hook; echo \"rc=$?\"");
  EXPECT_NE(output.find("rc=2"), std::string::npos) << output;
}

// One Messages call from the sandbox, streamed, through the gateway to the
// scripted provider over TLS.
std::string messages_call(const std::string& token, int max_tokens, const std::string& path = "/v1/messages") {
  std::string body = json{{"model", "claude-test"},
                          {"max_tokens", max_tokens},
                          {"stream", true},
                          {"messages", {{{"role", "user"}, {"content", "hello there, model"}}}}}
                         .dump();
  std::string escaped;
  for (char c : body) escaped += c == '"' ? std::string("\\\"") : std::string(1, c);
  return "exec 3<>/dev/tcp/127.0.0.1/4141; printf '%s' \"POST " + path + " HTTP/1.1\r\nHost: x\r\nx-api-key: " + token +
         "\r\ncontent-type: application/json\r\nconnection: close\r\ncontent-length: " + std::to_string(body.size()) +
         "\r\n\r\n" + escaped + "\" >&3; cat <&3; exec 3<&-; echo; ";
}

TEST_F(GatewaysInSandbox, TheLlmGatewayAddsTheKeyCountsTokensAndEnforcesBudgets) {
  testing::ScriptedModelServer provider(json{{"steps", json::array()}});
  ASSERT_TRUE(provider.started());
  LlmGatewayConfig llm;
  llm.provider = {"anthropic", provider.base_url(), "sk-ant-real-key-never-in-the-sandbox", provider.ca_file()};
  llm.run_token = "corral-run-token-1";
  auto task_budget = std::make_shared<TokenBudget>("task", BudgetLimits{0, 2});
  llm.budgets = {task_budget};
  std::atomic<int> stops{0};
  llm.stop_run = [&](const std::string&) { ++stops; };
  GatewayPlan plan;
  plan.llm = llm;
  std::string script = messages_call("corral-run-token-1", 10) + messages_call("wrong-token", 10) +
                       messages_call("corral-run-token-1", 10, "/v1/files") + messages_call("corral-run-token-1", 10) +
                       messages_call("corral-run-token-1", 10) +
                       "echo \"env: $(env | grep -c sk-ant)\"; grep -rl sk-ant /workspace /home /tmp /.corral /etc "
                       "2>/dev/null; echo end";
  std::string output = run_with(plan, script);

  EXPECT_NE(output.find("event: message_start"), std::string::npos) << output;
  EXPECT_NE(output.find("event: message_stop"), std::string::npos) << "the stream arrived whole";
  EXPECT_NE(output.find("HTTP/1.1 401"), std::string::npos) << "a wrong run token is refused";
  EXPECT_NE(output.find("path_not_allowed"), std::string::npos) << "the key opens model calls only";
  EXPECT_NE(output.find("HTTP/1.1 402"), std::string::npos) << output;
  EXPECT_NE(output.find("budget_exceeded"), std::string::npos);
  EXPECT_NE(output.find("env: 0\nend"), std::string::npos) << "the key is nowhere in the sandbox:\n" << output;

  std::vector<json> requests = provider.requests();
  ASSERT_EQ(requests.size(), 2u) << "the refused calls never reached the provider";
  for (const json& request : requests) {
    EXPECT_EQ(request["headers"]["x-api-key"], "sk-ant-real-key-never-in-the-sandbox");
    EXPECT_EQ(request["path"], "/v1/messages");
  }
  std::vector<json> calls = recorded_.of("llm.call");
  ASSERT_EQ(calls.size(), 2u);
  EXPECT_EQ(calls[0]["status"], 200);
  EXPECT_EQ(calls[0]["stream"], true);
  EXPECT_EQ(calls[0]["model"], "claude-test");
  EXPECT_GT(calls[0]["input_tokens"].get<int64_t>(), 10);
  EXPECT_EQ(calls[0]["output_tokens"], 1) << "'ok' is one token by the server's count";
  std::vector<json> exceeded = recorded_.of("budget.exceeded");
  ASSERT_EQ(exceeded.size(), 1u);
  EXPECT_EQ(exceeded[0]["scope"], "task");
  EXPECT_EQ(exceeded[0]["calls_used"], 2);
  EXPECT_EQ(stops.load(), 1);
  EXPECT_EQ(recorded_.of("llm.refused").size(), 3u) << "wrong token, /v1/files, spent budget";
}

}  // namespace
}  // namespace corral::runner
