// What the LLM gateway adds to a streamed model call, in one run, against a
// direct connection to the same scripted provider (the Anthropic Messages
// streaming format, over TLS with a certificate made for the run):
//
//   direct    libcurl -> TLS -> provider
//   gateway   libcurl -> the run's llm.sock -> gateway (run token checked,
//             real key added, usage read from every event, llm.call event,
//             budget charged) -> TLS -> provider
//
// Two rounds, calls interleaved: a new connection per call on both paths
// (one TLS handshake each), then kept connections (the client reuses its
// connection; the gateway keeps its provider connection). The answer is
// ~29 KB in 200 server-sent events. Prints time to first byte and to the last
// byte, p50 and p99, and what the gateway adds.
// The in-sandbox relay (loopback port -> socket) is not in this path.
// Usage: bench_llm_gateway_latency [CALLS=200]
#include <curl/curl.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "runner/gateways/run_gateways.h"
#include "tests/support/model_server.h"

namespace {

using namespace corral;

struct Timing {
  double first_byte_ms = 0, total_ms = 0;
  long status = 0;
  size_t bytes = 0;
};

size_t count_bytes(char*, size_t size, size_t count, void* total) {
  *static_cast<size_t*>(total) += size * count;
  return size * count;
}

// One call on `curl` (a fresh handle: a new connection; a reused one keeps its connection).
Timing call(CURL* curl, const std::string& url, const std::string& key, const std::string& ca_file,
            const std::string& socket, const std::string& body) {
  curl_slist* headers = nullptr;
  headers = curl_slist_append(headers, ("x-api-key: " + key).c_str());
  headers = curl_slist_append(headers, "content-type: application/json");
  headers = curl_slist_append(headers, "anthropic-version: 2023-06-01");
  Timing timing;
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.c_str());
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, count_bytes);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &timing.bytes);
  if (!ca_file.empty()) curl_easy_setopt(curl, CURLOPT_CAINFO, ca_file.c_str());
  if (!socket.empty()) curl_easy_setopt(curl, CURLOPT_UNIX_SOCKET_PATH, socket.c_str());
  if (curl_easy_perform(curl) == CURLE_OK) {
    curl_off_t first = 0, total = 0;
    curl_easy_getinfo(curl, CURLINFO_STARTTRANSFER_TIME_T, &first);
    curl_easy_getinfo(curl, CURLINFO_TOTAL_TIME_T, &total);
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &timing.status);
    timing.first_byte_ms = static_cast<double>(first) / 1000.0;
    timing.total_ms = static_cast<double>(total) / 1000.0;
  }
  curl_slist_free_all(headers);
  return timing;
}

double percentile(std::vector<double> values, double share) {
  std::sort(values.begin(), values.end());
  return values[std::min(values.size() - 1, static_cast<size_t>(share * static_cast<double>(values.size())))];
}

void print(const char* what, const std::vector<Timing>& timings) {
  std::vector<double> first, total;
  for (const Timing& t : timings) {
    first.push_back(t.first_byte_ms);
    total.push_back(t.total_ms);
  }
  std::printf("  %-8s first byte p50 %7.2f ms  p99 %7.2f ms   whole stream p50 %7.2f ms  p99 %7.2f ms\n", what,
              percentile(first, 0.5), percentile(first, 0.99), percentile(total, 0.5), percentile(total, 0.99));
}

}  // namespace

int main(int argc, char** argv) {
  int calls = argc > 1 ? std::atoi(argv[1]) : 200;
  curl_global_init(CURL_GLOBAL_DEFAULT);
  nlohmann::json script = {
      {"steps", nlohmann::json::array()}, {"side_answer", std::string(4000, 'x')}, {"chunks", 200}};
  testing::ScriptedModelServer provider(script);
  if (!provider.started()) {
    std::fprintf(stderr, "bench: the scripted provider did not start (python3, openssl)\n");
    return 1;
  }
  testing::TempDir dir;
  runner::GatewayPlan plan;
  runner::LlmGatewayConfig llm;
  llm.provider = {"anthropic", provider.base_url(), "sk-ant-bench-key", provider.ca_file()};
  llm.run_token = "crt_bench";
  llm.budgets = {std::make_shared<runner::TokenBudget>("task", runner::BudgetLimits{0, 0})};
  plan.llm = llm;
  plan.dir = dir / "run";
  std::atomic<size_t> events{0};
  SystemClock clock;
  auto gateways = runner::RunGateways::start(
      plan, [&](const std::string&, const nlohmann::json&) { ++events; }, clock);
  if (!gateways.is_ok()) {
    std::fprintf(stderr, "bench: %s\n", gateways.status().to_string().c_str());
    return 1;
  }
  std::string body = nlohmann::json{{"model", "claude-bench"},
                                    {"max_tokens", 2000},
                                    {"stream", true},
                                    {"messages", {{{"role", "user"}, {"content", "stream me four kilobytes"}}}}}
                         .dump();
  auto p50 = [](const std::vector<Timing>& set, bool whole) {
    std::vector<double> values;
    for (const Timing& t : set) values.push_back(whole ? t.total_ms : t.first_byte_ms);
    return percentile(values, 0.5);
  };
  for (bool kept : {false, true}) {
    std::vector<Timing> direct, through;
    CURL* direct_handle = curl_easy_init();
    CURL* gateway_handle = curl_easy_init();
    for (int i = 0; i < calls; ++i) {
      CURL* d = kept ? direct_handle : curl_easy_init();
      CURL* g = kept ? gateway_handle : curl_easy_init();
      direct.push_back(call(d, provider.base_url() + "/v1/messages", "sk-ant-bench-key", provider.ca_file(), "", body));
      through.push_back(
          call(g, "http://gateway/v1/messages", "crt_bench", "", (*gateways)->run_dir() + "/llm.sock", body));
      if (!kept) {
        curl_easy_cleanup(d);
        curl_easy_cleanup(g);
      }
    }
    curl_easy_cleanup(direct_handle);
    curl_easy_cleanup(gateway_handle);
    for (const auto* set : {&direct, &through}) {
      for (const Timing& t : *set) {
        if (t.status != 200 || t.bytes < 4000) {
          std::fprintf(stderr, "bench: a call failed (status %ld, %zu bytes)\n", t.status, t.bytes);
          return 1;
        }
      }
    }
    std::printf("streamed Messages call, ~%zu bytes in 200 events, %d calls each, %s\n", direct[0].bytes, calls,
                kept ? "kept connections" : "a new connection per call");
    print("direct", direct);
    print("gateway", through);
    std::printf("  gateway adds p50 %.2f ms to the first byte and %.2f ms to the whole stream (%.2fx)\n",
                p50(through, false) - p50(direct, false), p50(through, true) - p50(direct, true),
                p50(through, true) / p50(direct, true));
  }
  gateways->reset();  // its last calls are recorded once it has stopped
  std::printf("  llm.call events recorded: %zu of %d calls through the gateway\n", events.load(), 2 * calls);
  curl_global_cleanup();
  return 0;
}
