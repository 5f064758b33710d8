#include "policy/url_rules.h"

#include <gtest/gtest.h>

#include <map>

namespace corral::policy {
namespace {

UrlPolicy allowlist() {
  UrlPolicy policy;
  policy.allowed_hosts = {"api.example.com", "*.pkg.example.org", "203.0.113.9"};
  static const std::map<std::string, std::vector<std::string>> kDns = {
      {"api.example.com", {"93.184.216.34"}},
      {"cdn.pkg.example.org", {"93.184.216.35"}},
      {"rebind.pkg.example.org", {"93.184.216.36", "127.0.0.1"}},
      {"meta.pkg.example.org", {"169.254.169.254"}},
      {"mapped.pkg.example.org", {"::ffff:10.0.0.1"}},
  };
  policy.resolve = [](const std::string& host) {
    auto it = kDns.find(host);
    return it == kDns.end() ? std::vector<std::string>{} : it->second;
  };
  return policy;
}

struct Case {
  const char* url;
  Verdict verdict;
  const char* rule;
};

TEST(UrlRules, AllowlistedHostsPassAndThoseAddressesArePinned) {
  UrlPolicy policy = allowlist();
  for (const char* url :
       {"https://api.example.com/v1/x", "https://API.Example.COM/v1", "https://cdn.pkg.example.org/a.tgz",
        "https://api.example.com:443/", "https://api.example.com#@evil.com"}) {
    UrlDecision decided = check_url(url, policy);
    EXPECT_EQ(decided.decision.verdict, Verdict::kAllow) << url << ": " << decided.decision.reason;
  }
  UrlDecision decided = check_url("https://api.example.com/", policy);
  EXPECT_EQ(decided.host, "api.example.com");
  EXPECT_EQ(decided.port, 443);
  EXPECT_EQ(decided.pinned, std::vector<std::string>{"93.184.216.34"});
}

TEST(UrlRules, TheTricksAreRefusedEachByItsRule) {
  const Case kCases[] = {
      {"http://api.example.com/", Verdict::kBlock, "scheme_not_allowed"},
      {"file:///etc/passwd", Verdict::kBlock, "scheme_not_allowed"},
      {"gopher://api.example.com/", Verdict::kBlock, "scheme_not_allowed"},
      {"https://api.example.com@evil.com/", Verdict::kBlock, "userinfo"},
      {"https://user:pw@api.example.com/", Verdict::kBlock, "userinfo"},
      {"https://api.example.com:8443/", Verdict::kBlock, "port_not_allowed"},
      {"https://evil.com/", Verdict::kBlock, "host_not_allowed"},
      {"https://api.example.com.evil.com/", Verdict::kBlock, "host_not_allowed"},
      {"https://evilapi.example.com/", Verdict::kBlock, "host_not_allowed"},
      {"https://pkg.example.org/", Verdict::kBlock, "host_not_allowed"},  // the wildcard's apex
      {"https://127.0.0.1/", Verdict::kBlock, "ip_literal"},
      {"https://2130706433/", Verdict::kBlock, "ip_literal"},  // decimal 127.0.0.1
      {"https://0x7f.1/", Verdict::kBlock, "ip_literal"},      // hex
      {"https://0177.0.0.1/", Verdict::kBlock, "ip_literal"},  // octal
      {"https://[::ffff:127.0.0.1]/", Verdict::kBlock, "ip_literal"},
      {"https://[::1]/", Verdict::kBlock, "ip_literal"},
      {"https://169.254.169.254/latest/meta-data", Verdict::kBlock, "ip_literal"},
      {"https://gone.pkg.example.org/", Verdict::kBlock, "unresolvable"},
      {"https://rebind.pkg.example.org/", Verdict::kBlock, "internal_address"},
      {"https://meta.pkg.example.org/", Verdict::kBlock, "internal_address"},
      {"https://mapped.pkg.example.org/", Verdict::kBlock, "internal_address"},
      {"not a url", Verdict::kBlock, "invalid_url"},
      {"https://", Verdict::kBlock, "invalid_url"},
      {"https://api.example.com:99999/", Verdict::kBlock, "invalid_url"},
  };
  UrlPolicy policy = allowlist();
  for (const Case& c : kCases) {
    UrlDecision decided = check_url(c.url, policy);
    EXPECT_EQ(decided.decision.verdict, c.verdict) << c.url;
    EXPECT_EQ(decided.decision.rule, c.rule) << c.url << ": " << decided.decision.reason;
  }
}

TEST(UrlRules, ListedAddressesAndInternalNetworksOnlyWhenAllowed) {
  UrlPolicy policy = allowlist();
  EXPECT_EQ(check_url("https://203.0.113.9/", policy).decision.rule, "internal_address") << "a reserved range";
  policy.allow_internal = true;
  EXPECT_EQ(check_url("https://203.0.113.9/", policy).decision.verdict, Verdict::kAllow);
  EXPECT_EQ(check_url("https://rebind.pkg.example.org/", policy).decision.verdict, Verdict::kAllow);
  policy.extra_ports = {8443};
  EXPECT_EQ(check_url("https://api.example.com:8443/", policy).decision.verdict, Verdict::kAllow);
}

TEST(UrlRules, InternalHostsOpenOnlyTheirOwnNames) {
  UrlPolicy policy = allowlist();
  policy.internal_hosts = {"rebind.pkg.example.org"};
  UrlDecision mirror = check_url("https://rebind.pkg.example.org/", policy);
  EXPECT_EQ(mirror.decision.verdict, Verdict::kAllow);
  EXPECT_FALSE(mirror.pinned.empty());
  EXPECT_EQ(check_url("https://meta.pkg.example.org/", policy).decision.rule, "internal_address");
  policy.internal_hosts = {"203.0.113.9"};
  EXPECT_EQ(check_url("https://203.0.113.9/", policy).decision.rule, "internal_address")
      << "an address is not a name: internal_hosts never opens a literal";
}

TEST(UrlRules, FlagModeLetsItThrough) {
  UrlPolicy policy = allowlist();
  policy.enforcement = Enforcement::kFlag;
  auto decided = check_url("https://evil.com/", policy);
  EXPECT_EQ(decided.decision.verdict, Verdict::kFlag);
  EXPECT_EQ(decided.decision.rule, "host_not_allowed");
}

TEST(UrlRules, WildcardsMatchSubdomainsOnly) {
  EXPECT_TRUE(host_allowed("a.b.example.com", {"*.example.com"}));
  EXPECT_FALSE(host_allowed("example.com", {"*.example.com"}));
  EXPECT_FALSE(host_allowed("badexample.com", {"*.example.com"}));
  EXPECT_TRUE(host_allowed("example.com", {"EXAMPLE.com."}));
}

// An allowlisted host matches only in its canonical spelling: each way of
// writing it that a WHATWG parser and libcurl could read apart, or that
// normalises into the allowed name, is refused, for every allowlisted host,
// whatever follows; the canonical spellings of the same URLs pass.
TEST(UrlRules, OnlyTheCanonicalSpellingOfAnAllowedHostMatches) {
  UrlPolicy policy = allowlist();
  const std::vector<std::string> hosts = {"api.example.com", "cdn.pkg.example.org"};
  const std::vector<std::string> tails = {"/", "/v1/items?page=2", "/a/b.tgz", "?q=1", "#frag", ""};
  auto noncanonical = [](const std::string& host, const std::string& tail) {
    std::string path = tail.empty() || tail[0] == '/' ? tail : "/" + tail;
    return std::vector<std::string>{
        "https://" + host + "./" + path.substr(path.empty() ? 0 : 1),    // trailing dot
        "https://" + host + ".:443" + path,                              // trailing dot and a port
        "https://%61" + host.substr(1) + path,                           // percent-encoded letter
        "https://" + host.substr(0, 3) + "%2e" + host.substr(4) + path,  // percent-encoded dot
        "https://" + host + ":" + path,                                  // empty port
        "https://" + host + ":0443" + path,                              // zero-padded port
        "https://" + host + ":00443" + path,                             // more padding
        "https:/" + host + path,                                         // one slash
        "https:///" + host + path,                                       // three slashes
        "https:\\\\" + host + path,                                      // backslashes for slashes
        "https://" + host + "\\@evil.example" + path,                    // WHATWG: host ends at '\\'
    };
  };
  size_t lines = 0;
  for (const std::string& host : hosts) {
    for (const std::string& tail : tails) {
      std::string canonical = "https://" + host + (tail.empty() || tail[0] != '/' ? "/" + tail : tail);
      ++lines;
      EXPECT_EQ(check_url(canonical, policy).decision.verdict, Verdict::kAllow) << canonical;
      for (const std::string& url : noncanonical(host, tail)) {
        ++lines;
        UrlDecision decided = check_url(url, policy);
        EXPECT_EQ(decided.decision.verdict, Verdict::kBlock) << url;
        EXPECT_TRUE(decided.decision.rule == "noncanonical_url" || decided.decision.rule == "invalid_url")
            << url << ": " << decided.decision.rule << " " << decided.decision.reason;
      }
    }
  }
  EXPECT_GE(lines, 140u);
}

}  // namespace
}  // namespace corral::policy
