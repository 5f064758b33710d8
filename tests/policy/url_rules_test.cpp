#include "policy/url_rules.h"

#include <gtest/gtest.h>

#include <cstdio>

#include <nlohmann/json.hpp>

#include "policy/corpus/path_corpus.h"
#include "policy/corpus/url_corpus.h"
#include "support/test_support.h"

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

// Every allowed URL, and every allowed one among thousands of mutations of
// them (a character or an encoding put in each place of the scheme and the
// authority), has the same host for libcurl (what the proxy connects to) and
// for the WHATWG URL Standard's parser (Node's URL class, what browsers and
// JavaScript agents read).
TEST(UrlRules, AllowedUrlsHaveTheSameHostForLibcurlAndWhatwg) {
  UrlPolicy policy = test::url_corpus_policy();
  const std::vector<std::string> inserts = {"\\",
                                            "/",
                                            "%2e",
                                            "%2E",
                                            "%00",
                                            "%09",
                                            "\t",
                                            "\n",
                                            "\r",
                                            " ",
                                            "@",
                                            "#",
                                            "?",
                                            ":",
                                            "::",
                                            ".",
                                            "..",
                                            ";",
                                            "%61",
                                            "%41",
                                            "%",
                                            "%%",
                                            "%2f",
                                            "%5c",
                                            "[",
                                            "]",
                                            "&",
                                            "=",
                                            "'",
                                            "\"",
                                            "<",
                                            ">",
                                            "^",
                                            "|",
                                            "{",
                                            "}",
                                            "`",
                                            "0",
                                            "A",
                                            "_",
                                            "-",
                                            "~",
                                            "\x7f",
                                            "\x01",
                                            "!",
                                            "$",
                                            "(",
                                            "*",
                                            "+",
                                            ",",
                                            test::utf8(0x3002),
                                            test::utf8(0xFF0E),
                                            test::utf8(0x00AD),
                                            test::utf8(0x200B),
                                            test::utf8(0xFF41),
                                            test::utf8(0x00DF),
                                            test::utf8(0x0130),
                                            test::utf8(0x2024),
                                            test::utf8(0xFE52),
                                            test::utf8(0xFEFF)};
  std::vector<std::string> bases;
  for (const test::CorpusCase& c : test::url_corpus()) {
    if (!c.hostile) bases.push_back(c.text);
  }
  std::string lines;
  size_t tried = 0, allowed = 0;
  auto try_url = [&](const std::string& url) {
    ++tried;
    UrlDecision decided = check_url(url, policy);
    if (decided.decision.verdict != Verdict::kAllow) return;
    ++allowed;
    lines += nlohmann::json{{"url", url}, {"host", decided.host}}.dump() + "\n";
  };
  for (const std::string& base : bases) {
    try_url(base);
    size_t authority_end = base.find_first_of("/?#", 8);
    if (authority_end == std::string::npos) authority_end = base.size();
    for (size_t at = 0; at <= authority_end; ++at) {
      for (const std::string& insert : inserts) try_url(base.substr(0, at) + insert + base.substr(at));
    }
  }
  EXPECT_GE(tried, 100000u);
  EXPECT_GE(allowed, bases.size());
  std::printf("%zu URLs tried, %zu allowed, compared with a WHATWG parse\n", tried, allowed);
  testing::TempDir dir;
  testing::write_file(dir / "allowed.jsonl", lines);
  auto compared = testing::sh("node " + testing::quote(testing::source_path("tests/policy/whatwg_hosts.mjs")) + " " +
                              testing::quote(dir / "allowed.jsonl"));
  EXPECT_EQ(compared.exit_code, 0) << "allowed URLs whose host a WHATWG parser reads otherwise (of " << allowed
                                   << " allowed, " << tried << " tried):\n"
                                   << compared.out.substr(0, 4000) << compared.err;
}

}  // namespace
}  // namespace corral::policy
