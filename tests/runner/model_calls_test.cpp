#include "runner/gateways/model_calls.h"

#include <gtest/gtest.h>

namespace corral::runner {
namespace {

namespace http = boost::beast::http;

TEST(ModelCalls, OnlyModelCallsOfTheProviderAreForwarded) {
  struct Case {
    const char* provider;
    http::verb method;
    const char* target;
    bool forwarded;
  };
  const Case kCases[] = {
      {"anthropic", http::verb::post, "/v1/messages", true},
      {"anthropic", http::verb::post, "/v1/messages?beta=true", true},
      {"anthropic", http::verb::post, "/v1/messages/count_tokens", true},
      {"anthropic", http::verb::get, "/v1/messages", false},
      {"anthropic", http::verb::post, "/v1/files", false},
      {"anthropic", http::verb::post, "/v1/messages/batches", false},
      {"openai", http::verb::post, "/v1/chat/completions", true},
      {"openai", http::verb::post, "/v1/responses", true},
      {"openai", http::verb::post, "/v1/fine_tuning/jobs", false},
      {"openai", http::verb::post, "/v1/messages", false},
      {"gemini", http::verb::post, "/v1beta/models/gemini-2.5-pro:streamGenerateContent?alt=sse", true},
      {"gemini", http::verb::post, "/v1/models/gemini-2.5-pro:countTokens", true},
      {"gemini", http::verb::post, "/v1beta/models/a/b:generateContent", false},
      {"gemini", http::verb::post, "/v1beta/models/m:embedContent", false},
      {"gemini", http::verb::post, "/v1beta/files/m:generateContent", false},
  };
  for (const Case& c : kCases) {
    EXPECT_EQ(is_model_call(c.provider, c.method, c.target), c.forwarded) << c.provider << " " << c.target;
  }
}

TEST(ModelCalls, GeminiNamesItsModelInThePath) {
  EXPECT_EQ(model_in_path("/v1beta/models/gemini-2.5-pro:streamGenerateContent?alt=sse"), "gemini-2.5-pro");
  EXPECT_EQ(model_in_path("/v1/messages"), "");
}

TEST(ModelCalls, TheRunTokenIsReadFromAnyOfTheProvidersHeaders) {
  LlmRequest anthropic{http::verb::post, "/v1/messages", 11};
  anthropic.set("X-Api-Key", "crt_a");
  EXPECT_EQ(presented_key(anthropic), "crt_a") << "header names are case-insensitive";
  LlmRequest openai{http::verb::post, "/v1/responses", 11};
  openai.set(http::field::authorization, "Bearer crt_b");
  EXPECT_EQ(presented_key(openai), "crt_b");
  LlmRequest none{http::verb::post, "/v1/responses", 11};
  none.set(http::field::authorization, "Basic crt_b");
  EXPECT_EQ(presented_key(none), "");
  EXPECT_TRUE(same_secret("crt_a", "crt_a"));
  EXPECT_FALSE(same_secret("crt_a", "crt_b"));
  EXPECT_FALSE(same_secret("", "")) << "an empty token matches nothing";
}

TEST(ModelCalls, CredentialsAndHopHeadersAreNeverPassedOnWhateverTheirCase) {
  LlmRequest request{http::verb::post, "/v1/messages", 11};
  for (const char* name : {"X-API-KEY", "x-goog-api-key", "Authorization", "Proxy-Authorization", "CONNECTION", "Host",
                           "Transfer-Encoding", "Content-Length", "Accept-Encoding", "proxy-connection"}) {
    request.set(name, "x");
  }
  request.set("anthropic-version", "2023-06-01");
  request.set("Content-Type", "application/json");
  std::vector<std::string> passed;
  for (const auto& field : request) {
    if (!is_hop_or_credential(field.name(), field.name_string())) passed.push_back(std::string(field.name_string()));
  }
  EXPECT_EQ(passed, (std::vector<std::string>{"anthropic-version", "Content-Type"}));
}

}  // namespace
}  // namespace corral::runner
