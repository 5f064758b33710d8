// The LLM gateway on the host side, for each provider wire format: the
// client presents its run token the way that provider's SDKs send keys; the
// provider sees only corral's key; the streamed usage becomes llm.call.
#include "runner/gateways/run_gateways.h"

#include <gtest/gtest.h>

#include <atomic>
#include <mutex>

#include <nlohmann/json.hpp>

#include "tests/support/model_server.h"
#include "tests/support/test_support.h"

namespace corral::runner {
namespace {

using nlohmann::json;

struct Provider {
  std::string name;
  std::string path;         // what the client asks for
  std::string key_header;   // how its SDKs send a key: "NAME: VALUE" with VALUE = the key
  std::string auth_header;  // where the provider must find corral's key
  std::string auth_value;   // ... and how it looks there ("KEY" stands for the key)
  json body;
};

void PrintTo(const Provider& provider, std::ostream* out) { *out << provider.name; }

class LlmGateway : public ::testing::TestWithParam<Provider> {};

TEST_P(LlmGateway, SwapsTheTokenForTheKeyAndCountsStreamedTokens) {
  const Provider& p = GetParam();
  testing::ScriptedModelServer provider(
      json{{"steps", json::array()}, {"side_answer", "streamed hello"}, {"chunks", 5}});
  ASSERT_TRUE(provider.started());
  testing::TempDir dir;
  GatewayPlan plan;
  LlmGatewayConfig llm;
  llm.provider = {p.name, provider.base_url(), "real-key-" + p.name, provider.ca_file()};
  llm.run_token = "crt_token";
  // Priced models record each call's cost (the cheaper one is never called).
  for (const char* model : {"claude-x", "gpt-x", "gemini-x"}) llm.prices[model] = {2, 10, 0.5, 4};
  llm.prices["another-model"] = {0, 0};
  plan.llm = llm;
  plan.dir = dir / "run";
  std::mutex mutex;
  std::vector<json> calls, refused;
  SystemClock clock;
  auto gateways = RunGateways::start(
      plan,
      [&](const std::string& type, const json& payload) {
        std::lock_guard lock(mutex);
        (type == "llm.call" ? calls : refused).push_back(payload);
      },
      clock);
  ASSERT_TRUE(gateways.is_ok()) << gateways.status().to_string();
  std::string socket = (*gateways)->run_dir() + "/llm.sock";
  // `times` calls on one client connection (curl reuses it for repeated URLs).
  auto call = [&](const std::string& path, const std::string& token, int times = 1) {
    std::string header = p.key_header.substr(0, p.key_header.find("VALUE")) + token;
    std::string urls;
    for (int i = 0; i < times; ++i) urls += " " + testing::quote("http://gateway" + path);
    return testing::sh("curl -s -N --unix-socket " + testing::quote(socket) + " -H " + testing::quote(header) +
                       " -H 'content-type: application/json' --data-binary " + testing::quote(p.body.dump()) + urls)
        .out;
  };
  std::string answer = call(p.path, "crt_token", 2);
  EXPECT_NE(answer.find("data: "), std::string::npos) << answer;
  EXPECT_NE(answer.find("\"hel"), std::string::npos) << "the answer's fourth of five pieces:\n" << answer;
  EXPECT_NE(call(p.path, "real-key-" + p.name).find("authentication_error"), std::string::npos)
      << "the key itself is not a token";
  EXPECT_NE(call("/v1/files", "crt_token").find("path_not_allowed"), std::string::npos);
  gateways->reset();

  std::vector<json> seen = provider.requests();
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0]["peer"], seen[1]["peer"]) << "the second call reused the provider connection";
  std::string expected = p.auth_value.substr(0, p.auth_value.find("KEY")) + "real-key-" + p.name;
  EXPECT_EQ(seen[0]["headers"].value(p.auth_header, ""), expected);
  EXPECT_EQ(seen[0].dump().find("crt_token"), std::string::npos) << "the run token stays with corral";
  ASSERT_EQ(calls.size(), 2u);
  EXPECT_EQ(calls[0]["provider"], p.name);
  EXPECT_EQ(calls[0]["status"], 200);
  EXPECT_EQ(calls[0]["stream"], true);
  EXPECT_GT(calls[0]["input_tokens"].get<int64_t>(), 0);
  EXPECT_EQ(calls[0]["output_tokens"], 3) << "'streamed hello' is 3 tokens by the server's count";
  EXPECT_FALSE(calls[0]["model"].get<std::string>().empty());
  double expected_cost =
      (2.0 * calls[0]["input_tokens"].get<double>() + 10.0 * 3 + 0.5 * calls[0]["cache_read_tokens"].get<double>() +
       4.0 * calls[0]["cache_write_tokens"].get<double>()) /
      1e6;
  ASSERT_TRUE(calls[0].contains("cost_usd")) << calls[0].dump();
  EXPECT_NEAR(calls[0]["cost_usd"].get<double>(), expected_cost, 1e-12);
  EXPECT_EQ(refused.size(), 2u);
}

// Providers close idle connections: the gateway then makes a fresh one, and
// the agent never notices.
TEST(LlmGatewayConnections, AProviderClosingAKeptConnectionCostsTheAgentNothing) {
  testing::ScriptedModelServer provider(json{{"steps", json::array()}, {"side_answer", "again"}}, true, 0,
                                        /*idle_close_ms=*/300);
  ASSERT_TRUE(provider.started());
  testing::TempDir dir;
  GatewayPlan plan;
  LlmGatewayConfig llm;
  llm.provider = {"anthropic", provider.base_url(), "real-key", provider.ca_file()};
  llm.run_token = "crt_token";
  plan.llm = llm;
  plan.dir = dir / "run";
  std::atomic<int> calls{0};
  SystemClock clock;
  auto gateways = RunGateways::start(
      plan,
      [&](const std::string& type, const json&) {
        if (type == "llm.call") ++calls;
      },
      clock);
  ASSERT_TRUE(gateways.is_ok());
  std::string body = json{{"model", "m"}, {"stream", true}, {"messages", json::array()}}.dump();
  // Three calls on one client connection, a second apart (the provider closes after 0.3 s idle).
  auto result = testing::sh(
      "curl -s -N --rate 1/s --unix-socket " + testing::quote((*gateways)->run_dir() + "/llm.sock") +
      " -H 'x-api-key: crt_token' -H 'content-type: application/json' --data-binary " + testing::quote(body) +
      " http://gateway/v1/messages http://gateway/v1/messages"
      " http://gateway/v1/messages");
  gateways->reset();
  size_t stops = 0;
  for (size_t at = 0; (at = result.out.find("event: message_stop", at)) != std::string::npos; ++at) ++stops;
  EXPECT_EQ(stops, 3u) << result.out << result.err;
  EXPECT_EQ(calls.load(), 3);
  std::vector<json> seen = provider.requests();
  ASSERT_EQ(seen.size(), 3u);
  EXPECT_NE(seen[0]["peer"], seen[1]["peer"]) << "the closed connection was replaced";
}

INSTANTIATE_TEST_SUITE_P(Providers, LlmGateway,
                         ::testing::Values(Provider{"anthropic",
                                                    "/v1/messages?beta=true",
                                                    "x-api-key: VALUE",
                                                    "x-api-key",
                                                    "KEY",
                                                    {{"model", "claude-x"},
                                                     {"stream", true},
                                                     {"max_tokens", 10},
                                                     {"messages", {{{"role", "user"}, {"content", "hi"}}}}}},
                                           Provider{"openai",
                                                    "/v1/chat/completions",
                                                    "Authorization: Bearer VALUE",
                                                    "authorization",
                                                    "Bearer KEY",
                                                    {{"model", "gpt-x"},
                                                     {"stream", true},
                                                     {"stream_options", {{"include_usage", true}}},
                                                     {"messages", {{{"role", "user"}, {"content", "hi"}}}}}},
                                           Provider{
                                               "gemini",
                                               "/v1beta/models/gemini-x:streamGenerateContent?alt=sse",
                                               "x-goog-api-key: VALUE",
                                               "x-goog-api-key",
                                               "KEY",
                                               {{"contents", {{{"role", "user"}, {"parts", {{{"text", "hi"}}}}}}}}}),
                         [](const ::testing::TestParamInfo<Provider>& info) { return info.param.name; });

}  // namespace
}  // namespace corral::runner
