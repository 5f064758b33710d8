#include "policy/secret_scan.h"

#include <gtest/gtest.h>

namespace corral::policy {
namespace {

std::string rules_in(const std::string& line) {
  std::string names;
  for (const auto& hit : find_secrets(line)) names += (names.empty() ? "" : ",") + hit.rule;
  return names;
}

TEST(SecretScan, FindsTheCommonTokenFormats) {
  struct Case {
    std::string line;
    std::string rule;
  };
  const Case kCases[] = {
      {"aws_key = 'AKIAIOSFODNN7EXAMPLE'", "aws_access_key_id"},
      {"token: ghp_" + std::string(36, 'a'), "github_token"},
      {"GITHUB=github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz", "github_token"},
      {"export KEY=sk-ant-api03-" + std::string(40, 'x'), "anthropic_key"},
      {"openai = \"sk-proj-" + std::string(30, 'Q') + "\"", "openai_key"},
      {"slack xoxb-1234567890-abcdefghij", "slack_token"},
      {"g = AIza" + std::string(35, 'B'), "google_api_key"},
      {"stripe(sk_live_" + std::string(24, '9') + ")", "stripe_secret_key"},
      {"glpat-" + std::string(20, 'z'), "gitlab_token"},
      {"-----BEGIN OPENSSH PRIVATE KEY-----", "private_key"},
      {"-----BEGIN RSA PRIVATE KEY-----", "private_key"},
      {"db_password = \"q8Zr2vLx9TmWp4Kd7Ns\"", "high_entropy_assignment"},
      {"CLIENT_SECRET: Xk29sLq0Pz8vNw3rTb6Y", "high_entropy_assignment"},
  };
  for (const Case& c : kCases) {
    auto hits = find_secrets(c.line);
    ASSERT_FALSE(hits.empty()) << c.line;
    EXPECT_EQ(hits[0].rule, c.rule) << c.line;
  }
}

TEST(SecretScan, LeavesOrdinaryCodeAlone) {
  const std::string kLines[] = {
      "int main(void) { return 0; }",
      "token = get_token()",                         // a call, not a literal
      "password = \"${DB_PASSWORD}\"",               // a reference
      "api_key = 'changeme'",                        // short
      "secret_name = \"aaaaaaaaaaaaaaaaaaaaaaaa\"",  // long but not random
      "-----BEGIN PUBLIC KEY-----",                  // public keys are public
      "// see AKIA for the prefix format",           // prefix without a key
      "the task-ghp_ thing",                         // prefix inside a word
      "ghp_tooShort",
      "sk-notlongenough",
      "const sha = \"3b18e512dba79e4c8300dd08aeb37f8e728b8dad\";",  // not named secret
  };
  for (const std::string& line : kLines) EXPECT_EQ(rules_in(line), "") << line;
}

TEST(SecretScan, ReportsTheColumn) {
  auto hits = find_secrets("x = AKIAIOSFODNN7EXAMPLE");
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_EQ(hits[0].column, 5u);
}

TEST(SecretScan, AHugeHostileLineCostsLinearTime) {
  std::string line(4 << 20, '=');
  line += "token=" + std::string(1 << 20, 'a');
  EXPECT_EQ(rules_in(line), "");
}

TEST(SecretScan, EntropyOfKnownStrings) {
  EXPECT_DOUBLE_EQ(shannon_entropy(""), 0);
  EXPECT_DOUBLE_EQ(shannon_entropy("aaaa"), 0);
  EXPECT_DOUBLE_EQ(shannon_entropy("abab"), 1);
  EXPECT_DOUBLE_EQ(shannon_entropy("abcd"), 2);
}

}  // namespace
}  // namespace corral::policy
