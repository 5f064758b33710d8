#include "policy/url_rules.h"

#include <gtest/gtest.h>

#include "policy/corpus/url_corpus.h"

namespace corral::policy {
namespace {

// (The allowed forms themselves are in the table: OnlyTheCanonicalSpelling… below.)
TEST(UrlRules, AnAllowedHostsAddressesArePinned) {
  UrlDecision decided = check_url("https://api.example.com/", test::url_corpus_policy());
  EXPECT_EQ(decided.host, "api.example.com");
  EXPECT_EQ(decided.port, 443);
  EXPECT_EQ(decided.pinned, std::vector<std::string>{"93.184.216.34"});
}

TEST(UrlRules, TheTricksAreRefusedEachByItsRule) {
  UrlPolicy policy = test::url_corpus_policy();
  for (const test::CorpusCase& c : test::url_corpus()) {
    if (!c.hostile || c.rule == "noncanonical_url") continue;
    UrlDecision decided = check_url(c.text, policy);
    EXPECT_EQ(decided.decision.verdict, Verdict::kBlock) << c.text;
    EXPECT_EQ(decided.decision.rule, c.rule) << c.text << ": " << decided.decision.reason;
  }
}

TEST(UrlRules, ListedAddressesAndInternalNetworksOnlyWhenAllowed) {
  UrlPolicy policy = test::url_corpus_policy();
  EXPECT_EQ(check_url("https://203.0.113.9/", policy).decision.rule, "internal_address") << "a reserved range";
  policy.allow_internal = true;
  EXPECT_EQ(check_url("https://203.0.113.9/", policy).decision.verdict, Verdict::kAllow);
  EXPECT_EQ(check_url("https://rebind.pkg.example.org/", policy).decision.verdict, Verdict::kAllow);
  policy.extra_ports = {8443};
  EXPECT_EQ(check_url("https://api.example.com:8443/", policy).decision.verdict, Verdict::kAllow);
}

TEST(UrlRules, InternalHostsOpenOnlyTheirOwnNames) {
  UrlPolicy policy = test::url_corpus_policy();
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
  UrlPolicy policy = test::url_corpus_policy();
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
  UrlPolicy policy = test::url_corpus_policy();
  size_t lines = 0;
  for (const test::CorpusCase& c : test::url_corpus()) {
    if (c.hostile && c.rule != "noncanonical_url") continue;
    ++lines;
    UrlDecision decided = check_url(c.text, policy);
    if (!c.hostile) {
      EXPECT_EQ(decided.decision.verdict, Verdict::kAllow) << c.text << ": " << decided.decision.reason;
      continue;
    }
    EXPECT_EQ(decided.decision.verdict, Verdict::kBlock) << c.text;
    EXPECT_TRUE(decided.decision.rule == "noncanonical_url" || decided.decision.rule == "invalid_url")
        << c.text << ": " << decided.decision.rule << " " << decided.decision.reason;
  }
  EXPECT_GE(lines, 140u);
}

}  // namespace
}  // namespace corral::policy
