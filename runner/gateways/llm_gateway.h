// The LLM gateway: the agent's model base URL points at a loopback port in
// the sandbox that the supervisor relays here. The sandbox holds only its
// run's token; the gateway checks it, puts the real provider key on the
// request (the key never enters the sandbox) and forwards it over TLS to the
// provider, streaming the answer back as it arrives while reading its token
// usage (llm_usage.h). Each call is an llm.call event (provider, model, path,
// status, tokens, stream, ms to first byte and in all). Only model calls are
// forwarded (POST /v1/messages[/count_tokens]; OpenAI: /v1/chat/completions,
// /v1/completions, /v1/responses; Gemini: /v1beta/models/M:generateContent,
// :streamGenerateContent, :countTokens): the key opens nothing else, such as
// files or batches (403 path_not_allowed, llm.refused). Each budget it is
// under is charged (budget.warning, budget.exceeded). Once a budget is spent,
// calls are refused with HTTP 402 and
//   {"type":"error","error":{"type":"budget_exceeded","message":...}}
// (a status SDKs do not retry), and the run is stopped.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/token_prices.h"
#include "runner/gateways/gateway_events.h"
#include "runner/gateways/socket_server.h"
#include "runner/gateways/token_budget.h"

namespace corral::runner {

struct LlmProvider {
  std::string name =
      "anthropic";       // "anthropic" (x-api-key), "openai" (Authorization: Bearer), "gemini" (x-goog-api-key)
  std::string base_url;  // https://api.anthropic.com; http:// only for a local model server
  std::string api_key;   // the real key, held by corral
  std::string ca_file;   // trust this CA instead of the system's (a private provider, tests)
};

struct LlmGatewayConfig {
  LlmProvider provider;
  std::string run_token;  // what the sandbox presents as its key
  std::vector<std::shared_ptr<TokenBudget>> budgets;
  std::map<std::string, TokenPrices> prices;             // by model name: a priced call records its cost_usd
  std::function<void(const std::string& why)> stop_run;  // a budget is spent
};

// Serves one connection (several requests when the client keeps it alive).
void serve_llm(int fd, const SocketServer::AlsoStop& also_stop, const LlmGatewayConfig& config, const EmitEvent& emit,
               const Clock& clock);

}  // namespace corral::runner
