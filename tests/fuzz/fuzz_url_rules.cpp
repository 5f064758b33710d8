// libFuzzer target: URL checks never crash, and an allowed URL is always on
// the allowlist with an allowed scheme and no internal pinned address.
// With FUZZ_ALLOWED_URLS naming a file, each allowed URL and the host libcurl
// read in it are appended there as a JSON line, for run_fuzzers.sh to compare
// with a WHATWG parse (tests/policy/whatwg_hosts.mjs).
#include <cstdio>
#include <cstdlib>
#include <string>

#include <nlohmann/json.hpp>

#include "policy/network_address.h"
#include "policy/url_rules.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string input(reinterpret_cast<const char*>(data), size);
  corral::policy::UrlPolicy policy;
  policy.allowed_hosts = {"api.example.com", "*.example.org"};
  policy.resolve = [](const std::string& host) {
    return std::vector<std::string>{host.size() % 2 ? "93.184.216.34" : "127.0.0.1"};
  };
  auto decided = corral::policy::check_url(input, policy);
  corral::policy::parse_ip(input);
  if (decided.decision.verdict != corral::policy::Verdict::kAllow) return 0;
  if (decided.scheme != "https" || !corral::policy::host_allowed(decided.host, policy.allowed_hosts)) std::abort();
  for (const auto& address : decided.pinned) {
    auto ip = corral::policy::parse_ip(address);
    if (!ip || corral::policy::classify(*ip) != corral::policy::AddressClass::kPublic) std::abort();
  }
  if (const char* out = std::getenv("FUZZ_ALLOWED_URLS")) {
    std::string line = nlohmann::json{{"url", input}, {"host", decided.host}}.dump(
                           -1, ' ', false, nlohmann::json::error_handler_t::replace) +
                       "\n";
    if (FILE* file = std::fopen(out, "a")) {
      std::fputs(line.c_str(), file);
      std::fclose(file);
    }
  }
  return 0;
}
