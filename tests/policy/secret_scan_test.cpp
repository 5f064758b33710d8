// The secret scanner as a table (tests/policy/corpus/secret_corpus.cpp): each
// credential is named by its rule, each ordinary look-alike passes. The
// credentials are fake, drawn fresh in each provider's format.
#include "policy/secret_scan.h"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "policy/corpus/fake_credentials.h"
#include "policy/corpus/secret_corpus.h"
#include "policy/diff_checks.h"
#include "policy/secrets/secret_values.h"

namespace corral::policy {
namespace {

std::string rules_in(const std::string& text) {
  std::string names;
  for (const auto& hit : find_secrets_in_text(text)) names += (names.empty() ? "" : ",") + hit.rule;
  return names;
}

// Several seeds, so no case passes by the luck of one draw.
constexpr uint64_t kSeeds[] = {1, 2, 3};

TEST(SecretScan, TheCorpusHasEnoughOfBothKinds) {
  std::map<std::string, std::pair<int, int>> by_family;
  for (const test::CorpusCase& c : test::secret_corpus(1)) {
    (c.hostile ? by_family[c.family].first : by_family[c.family].second)++;
  }
  int secrets = 0, ordinary = 0;
  for (const auto& [family, counts] : by_family) {
    EXPECT_GE(counts.first, 15) << family;
    EXPECT_GE(counts.second, 15) << family;
    secrets += counts.first;
    ordinary += counts.second;
  }
  EXPECT_GE(secrets + ordinary, 300);
  EXPECT_GE(ordinary * 2, (secrets + ordinary) * 9 / 10);  // about half are look-alikes
}

TEST(SecretScan, EveryCredentialIsNamedByItsRule) {
  for (uint64_t seed : kSeeds) {
    for (const test::CorpusCase& c : test::secret_corpus(seed)) {
      if (!c.hostile) continue;
      std::string rules = rules_in(c.text);
      EXPECT_NE(("," + rules + ",").find("," + c.rule + ","), std::string::npos)
          << c.family << " (seed " << seed << "): expected " << c.rule << ", found [" << rules << "] in\n"
          << c.text;
    }
  }
}

TEST(SecretScan, OrdinaryLookAlikesPass) {
  for (uint64_t seed : kSeeds) {
    for (const test::CorpusCase& c : test::secret_corpus(seed)) {
      if (c.hostile) continue;
      EXPECT_EQ(rules_in(c.text), "") << c.family << " (seed " << seed << "):\n" << c.text;
    }
  }
}

TEST(SecretScan, ReportsLineAndColumn) {
  std::string token = "x = glpat-" + test::FakeCredentials(5).expand("[[t:20]]");
  auto hits = find_secrets(std::vector<std::string_view>{"a = 1", token});
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_EQ(hits[0].line, 1u);
  EXPECT_EQ(hits[0].column, 5u);
}

TEST(SecretScan, OnePlaceIsReportedOnce) {
  // A JWT given as a Bearer token in an assignment: three rules, one place.
  test::FakeCredentials fake(7);
  std::string line = fake.expand("TOKEN=eyJ[[t:30]].eyJ[[t:60]].[[t:43]]");
  EXPECT_EQ(rules_in(line), "jwt");
}

TEST(SecretScan, TheDiffChecksReadAKeyWithTheLinesAfterIt) {
  test::FakeCredentials fake(3);
  ProposedChange change;
  change.path = "deploy/notes.txt";  // not a sensitive file's name: the content is what is found
  change.added = {{1, "-----BEGIN RSA PRIVATE KEY-----"}, {2, fake.expand("[[b:64]]")}};
  DiffVerdict verdict = check_diff({change}, default_diff_rules());
  ASSERT_EQ(verdict.findings.size(), 1u);
  EXPECT_EQ(verdict.findings[0].rule, "secret");
  EXPECT_EQ(verdict.findings[0].line, 1);

  // The same marker as a constant in code, the next added line far below it: not a key.
  change.path = "src/pem.cc";
  change.added = {{10, "const char* kHeader = \"-----BEGIN RSA PRIVATE KEY-----\";"}, {40, fake.expand("[[b:64]]")}};
  EXPECT_TRUE(check_diff({change}, default_diff_rules()).findings.empty());
}

TEST(SecretScan, AHugeHostileLineCostsLinearTime) {
  // Each shape repeats a rule's trigger, so a scanner that re-read the rest
  // of the line at each one would take hours here.
  for (std::string unit : {"=", "token=", "password=password", "a://", "----BEGIN ", "</a", "key=\"", "curl -u '",
                           "Basic ", "Bearer ", "eyJ", "glc_a/", "LS0tLS1CRUdJTi", "\"auth\": \"", "--password "}) {
    std::string line;
    while (line.size() < (2 << 20)) line += unit;
    find_secrets(line);
  }
}

TEST(SecretValues, EntropyOfKnownStrings) {
  EXPECT_DOUBLE_EQ(secrets::shannon_entropy(""), 0);
  EXPECT_DOUBLE_EQ(secrets::shannon_entropy("aaaa"), 0);
  EXPECT_DOUBLE_EQ(secrets::shannon_entropy("abab"), 1);
  EXPECT_DOUBLE_EQ(secrets::shannon_entropy("abcd"), 2);
}

TEST(SecretValues, Base64DecodesBothAlphabetsAndRefusesOthers) {
  EXPECT_EQ(secrets::decode_base64("dXNlcjpwYXNz"), "user:pass");
  EXPECT_EQ(secrets::decode_base64("dXNlcjpwYXNzMQ=="), "user:pass1");
  EXPECT_EQ(secrets::decode_base64("_-8"), "\xFF\xEF");
  EXPECT_FALSE(secrets::decode_base64("not base64!"));
  EXPECT_FALSE(secrets::decode_base64("abcde"));
}

}  // namespace
}  // namespace corral::policy
