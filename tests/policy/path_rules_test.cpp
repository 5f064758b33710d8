#include "policy/path_rules.h"

#include <gtest/gtest.h>

#include <map>

namespace corral::policy {
namespace {

struct Case {
  std::string path;
  Verdict verdict;
  std::string rule;  // "" when allowed
  std::string normalized = "";
};

void expect_cases(const std::vector<Case>& cases, const PathPolicy& policy) {
  for (const Case& c : cases) {
    ToolDecision decision = check_path(c.path, policy);
    EXPECT_EQ(decision.verdict, c.verdict) << "'" << c.path << "': " << decision.rule << " " << decision.reason;
    EXPECT_EQ(decision.rule, c.rule) << "'" << c.path << "'";
    if (c.verdict == Verdict::kAllow) {
      EXPECT_EQ(decision.normalized, c.normalized) << "'" << c.path << "'";
    }
  }
}

TEST(PathRules, LegitimatePathsAreAllowedAndNormalized) {
  expect_cases({{"src/app.c", Verdict::kAllow, "", "src/app.c"},
                {"./src//app.c", Verdict::kAllow, "", "src/app.c"},
                {"/workspace/src/app.c", Verdict::kAllow, "", "src/app.c"},
                {"/workspace", Verdict::kAllow, "", ""},
                {"docs/../README.md", Verdict::kAllow, "", "README.md"},
                {"a%20file.txt", Verdict::kAllow, "", "a file.txt"},
                {"C++/notes+ideas.md", Verdict::kAllow, "", "C++/notes+ideas.md"},
                {"café/menü.txt", Verdict::kAllow, "", "café/menü.txt"},
                {"src\\win\\path.c", Verdict::kAllow, "", "src/win/path.c"}},
               PathPolicy{});
}

TEST(PathRules, EveryWayOutOfTheWorkspaceIsBlocked) {
  expect_cases({{"../etc/passwd", Verdict::kBlock, "outside_workspace"},
                {"src/../../etc/passwd", Verdict::kBlock, "outside_workspace"},
                {"a/b/../../../x", Verdict::kBlock, "outside_workspace"},
                {"/etc/passwd", Verdict::kBlock, "outside_workspace"},
                {"/workspace-evil/x", Verdict::kBlock, "outside_workspace"},
                {"/workspace/../etc/shadow", Verdict::kBlock, "outside_workspace"},
                {"..\\..\\etc\\passwd", Verdict::kBlock, "outside_workspace"},
                {"%2e%2e/etc/passwd", Verdict::kBlock, "outside_workspace"},
                {"%2E%2E%2Fetc%2Fpasswd", Verdict::kBlock, "outside_workspace"},
                {"%252e%252e%252fetc", Verdict::kBlock, "outside_workspace"},  // double encoded
                {"..%5c..%5cetc", Verdict::kBlock, "outside_workspace"},       // encoded backslash
                {"%2fetc%2fpasswd", Verdict::kBlock, "outside_workspace"},
                {"~/.ssh/id_rsa", Verdict::kBlock, "home_expansion"},
                {"~root/.bashrc", Verdict::kBlock, "home_expansion"},
                {"%7e/.bashrc", Verdict::kBlock, "home_expansion"},
                {std::string("ok.txt\0/../../x", 15), Verdict::kBlock, "nul_byte"},
                {"ok.txt%00.png", Verdict::kBlock, "nul_byte"},
                {"%c0%ae%c0%ae/etc/passwd", Verdict::kBlock, "invalid_utf8"},  // overlong '.'
                {"%c0%af", Verdict::kBlock, "invalid_utf8"},                   // overlong '/'
                {"%e0%80%ae", Verdict::kBlock, "invalid_utf8"},
                {"%ed%a0%80", Verdict::kBlock, "invalid_utf8"},  // a surrogate
                {"%ff", Verdict::kBlock, "invalid_utf8"},
                {"%25252e%25252e", Verdict::kBlock, "outside_workspace"},  // triple encoded: still seen
                {"%2525252e", Verdict::kBlock, "excessive_encoding"}},
               PathPolicy{});
}

TEST(PathRules, SensitiveFilesHaveTheirOwnRuleAndOwnersAddPatterns) {
  expect_cases({{".env", Verdict::kBlock, "sensitive_file"},
                {"config/.env.production", Verdict::kBlock, "sensitive_file"},
                {"deploy/server.pem", Verdict::kBlock, "sensitive_file"},
                {"home/.aws/credentials", Verdict::kBlock, "sensitive_file"},
                {".git/config", Verdict::kBlock, "sensitive_file"},
                {"src/environment.c", Verdict::kAllow, "", "src/environment.c"}},
               PathPolicy{});
  PathPolicy owners;
  owners.sensitive_patterns.push_back("secrets/");
  expect_cases({{"secrets/db.txt", Verdict::kBlock, "sensitive_file"}}, owners);
}

TEST(PathRules, FlagModeLetsTheCallThroughAndSaysWhy) {
  PathPolicy policy;
  policy.enforcement = Enforcement::kFlag;
  ToolDecision decision = check_path("../outside", policy);
  EXPECT_EQ(decision.verdict, Verdict::kFlag);
  EXPECT_EQ(decision.rule, "outside_workspace");
  EXPECT_EQ(std::string(verdict_name(decision.verdict)), "flag");
}

TEST(PathRules, NoSymlinkOnTheWayMayLeadOut) {
  std::map<std::string, std::string> links = {
      {"out", "/etc"},      {"home", "../../root"}, {"docs/latest", "../docs-v2"}, {"abs-in", "/workspace/src"},
      {"loop-a", "loop-b"}, {"loop-b", "loop-a"},   {"chain", "docs/latest"}};
  PathPolicy policy;
  policy.read_link = [&](const std::string& relative) -> std::optional<std::string> {
    auto it = links.find(relative);
    return it == links.end() ? std::nullopt : std::optional<std::string>(it->second);
  };
  expect_cases({{"out/passwd", Verdict::kBlock, "symlink_escape"},
                {"home/.bashrc", Verdict::kBlock, "symlink_escape"},
                {"loop-a/x", Verdict::kBlock, "symlink_escape"},
                {"docs/latest/guide.md", Verdict::kAllow, "", "docs-v2/guide.md"},
                {"abs-in/app.c", Verdict::kAllow, "", "src/app.c"},
                {"chain/guide.md", Verdict::kAllow, "", "docs-v2/guide.md"},
                {"src/app.c", Verdict::kAllow, "", "src/app.c"}},
               policy);
}

}  // namespace
}  // namespace corral::policy
