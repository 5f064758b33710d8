#include "policy/diff_checks.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace corral::policy {
namespace {

ProposedChange file(const std::string& path, char status = 'M', std::vector<AddedLine> added = {}) {
  ProposedChange change;
  change.status = status;
  change.path = path;
  change.old_mode = status == 'A' ? 0 : 0100644;
  change.new_mode = status == 'D' ? 0 : 0100644;
  change.added = std::move(added);
  change.insertions = static_cast<int>(change.added.size());
  return change;
}

DiffVerdict check(std::vector<ProposedChange> changes) { return check_diff(changes, default_diff_rules()); }

// One table per rule: the path, and what the default rules decide for it.
struct PathCase {
  const char* path;
  const char* rule;  // "" when nothing fires
  Decision decision;
};

void expect_cases(const std::vector<PathCase>& cases, char status = 'M') {
  for (const PathCase& c : cases) {
    DiffVerdict verdict = check({file(c.path, status)});
    EXPECT_EQ(verdict.decision, c.decision) << c.path;
    if (*c.rule == 0) {
      EXPECT_TRUE(verdict.findings.empty()) << c.path << ": " << verdict.findings[0].rule;
    } else {
      ASSERT_FALSE(verdict.findings.empty()) << c.path;
      EXPECT_EQ(verdict.findings[0].rule, c.rule) << c.path;
      EXPECT_EQ(verdict.findings[0].path, c.path);
    }
  }
}

TEST(DiffChecks, AnOrdinaryChangePasses) {
  expect_cases({{"src/app.c", "", Decision::kPass},
                {"docs/guide.md", "", Decision::kPass},
                {"tests/unit/app_test.c", "", Decision::kPass}});
}

TEST(DiffChecks, ForbiddenPathsAreRefused) {
  expect_cases({{".github/workflows/ci.yml", "forbidden_path", Decision::kRefuse},
                {"CODEOWNERS", "forbidden_path", Decision::kRefuse},
                {".github/CODEOWNERS", "forbidden_path", Decision::kRefuse},
                {".gitlab-ci.yml", "forbidden_path", Decision::kRefuse},
                {".corral/settings.json", "forbidden_path", Decision::kRefuse},
                {"docs/workflows/ci.md", "", Decision::kPass}});
}

TEST(DiffChecks, AMoveOutOfAForbiddenFolderIsAChangeToIt) {
  ProposedChange moved = file("ci-disabled.yml", 'R');
  moved.old_path = ".github/workflows/ci.yml";
  DiffVerdict verdict = check({moved});
  EXPECT_EQ(verdict.decision, Decision::kRefuse);
  EXPECT_EQ(verdict.findings[0].path, ".github/workflows/ci.yml");
}

TEST(DiffChecks, AnAgentsOwnInstructionsAlwaysNeedAHuman) {
  expect_cases({{"AGENTS.md", "agent_instructions", Decision::kNeedsApproval},
                {"CLAUDE.md", "agent_instructions", Decision::kNeedsApproval},
                {"service/CLAUDE.md", "agent_instructions", Decision::kNeedsApproval},
                {".claude/settings.json", "agent_instructions", Decision::kNeedsApproval},
                {"tools/.codex/config.toml", "agent_instructions", Decision::kNeedsApproval},
                {".cursor/rules/style.mdc", "agent_instructions", Decision::kNeedsApproval},
                {".cursorrules", "agent_instructions", Decision::kNeedsApproval},
                {".github/copilot-instructions.md", "agent_instructions", Decision::kNeedsApproval},
                {"docs/agents.md", "", Decision::kPass}});
}

TEST(DiffChecks, SensitiveFilesAreRefusedAndTheirRemovalNeedsApproval) {
  expect_cases({{"deploy/server.pem", "sensitive_file", Decision::kRefuse},
                {".env", "sensitive_file", Decision::kRefuse},
                {"config/.env.production", "sensitive_file", Decision::kRefuse},
                {"home/.ssh/id_ed25519", "sensitive_file", Decision::kRefuse},
                {".aws/credentials", "sensitive_file", Decision::kRefuse},
                {".npmrc", "sensitive_file", Decision::kRefuse},
                {"infra/terraform.tfstate", "sensitive_file", Decision::kRefuse},
                {"src/environment.c", "", Decision::kPass}},
               'A');
  expect_cases({{".env", "sensitive_file", Decision::kNeedsApproval}}, 'D');
}

TEST(DiffChecks, DependencyManifestsAndLockFilesNeedApproval) {
  expect_cases({{"package.json", "dependency_manifest", Decision::kNeedsApproval},
                {"web/package-lock.json", "dependency_manifest", Decision::kNeedsApproval},
                {"Cargo.lock", "dependency_manifest", Decision::kNeedsApproval},
                {"requirements-dev.txt", "dependency_manifest", Decision::kNeedsApproval},
                {"go.sum", "dependency_manifest", Decision::kNeedsApproval},
                {"docs/package.md", "", Decision::kPass}});
}

TEST(DiffChecks, SecretsInAddedLinesAreRefusedWithFileAndLine) {
  auto change = file("src/config.py", 'M', {{3, "x = 1"}, {7, "KEY = 'AKIAQ7V2M4N8K3J6H5G1'"}});
  DiffVerdict verdict = check({change});
  ASSERT_EQ(verdict.findings.size(), 1u);
  EXPECT_EQ(verdict.decision, Decision::kRefuse);
  EXPECT_EQ(verdict.findings[0].rule, "secret");
  EXPECT_EQ(verdict.findings[0].path, "src/config.py");
  EXPECT_EQ(verdict.findings[0].line, 7);
  EXPECT_NE(verdict.findings[0].message.find("aws_access_key_id"), std::string::npos);
  EXPECT_EQ(check({file("src/config.py", 'M', {{1, "key = load_key()"}})}).decision, Decision::kPass);
}

TEST(DiffChecks, TestFixturesMayHoldFakeSecrets) {
  auto fixture = file("tests/fixtures/aws.txt", 'A', {{1, "AKIAQ7V2M4N8K3J6H5G1"}});
  EXPECT_EQ(check({fixture}).decision, Decision::kPass);
  fixture.path = "pkg/testdata/creds.txt";
  EXPECT_EQ(check({fixture}).decision, Decision::kPass);
  fixture.path = "pkg/data/creds.txt";
  EXPECT_EQ(check({fixture}).decision, Decision::kRefuse);
}

TEST(DiffChecks, BinaryFilesNeedApproval) {
  auto binary = file("assets/logo.png", 'A');
  binary.binary = true;
  EXPECT_EQ(check({binary}).findings.at(0).rule, "binary_file");
  EXPECT_EQ(check({binary}).decision, Decision::kNeedsApproval);
}

TEST(DiffChecks, SubmodulesNeedApproval) {
  auto gitlink = file("vendor/lib", 'A');
  gitlink.new_mode = 0160000;
  EXPECT_EQ(check({gitlink}).findings.at(0).rule, "submodule");
  expect_cases({{".gitmodules", "submodule", Decision::kNeedsApproval}});
}

TEST(DiffChecks, SymlinksThatLeaveTheRepositoryAreRefused) {
  struct Case {
    const char* path;
    const char* target;
    Decision decision;
  };
  const Case kCases[] = {
      {"link", "/etc/passwd", Decision::kRefuse},
      {"a/link", "../../outside", Decision::kRefuse},
      {"a/b/link", "../x/../../../y", Decision::kRefuse},
      {"a/link", "../README.md", Decision::kPass},
      {"a/link", "./sibling", Decision::kPass},
      {"a/b/link", "../../c/d", Decision::kPass},
      {"link", "", Decision::kRefuse},
  };
  for (const Case& c : kCases) {
    auto link = file(c.path, 'A');
    link.new_mode = 0120000;
    link.link_target = c.target;
    EXPECT_EQ(check({link}).decision, c.decision) << c.path << " -> " << c.target;
  }
}

TEST(DiffChecks, SizeOverTheLimitNeedsApproval) {
  DiffRules rules = default_diff_rules();
  rules.max_files = 2;
  rules.max_lines = 10;
  std::vector<ProposedChange> three = {file("a"), file("b"), file("c")};
  DiffVerdict verdict = check_diff(three, rules);
  EXPECT_EQ(verdict.decision, Decision::kNeedsApproval);
  EXPECT_EQ(verdict.findings.at(0).message, "3 files changed; the limit is 2");
  auto big = file("a");
  big.insertions = 8;
  big.deletions = 3;
  EXPECT_EQ(check_diff({big}, rules).findings.at(0).message, "11 lines changed; the limit is 10");
  big.deletions = 2;
  EXPECT_EQ(check_diff({big}, rules).decision, Decision::kPass);
}

TEST(DiffChecks, TheStrictestFindingDecidesAndEveryFindingIsKept) {
  DiffVerdict verdict = check({file("package.json"), file(".env", 'A')});
  EXPECT_EQ(verdict.decision, Decision::kRefuse);
  ASSERT_EQ(verdict.findings.size(), 2u);
  nlohmann::json json = verdict;
  EXPECT_EQ(json["decision"], "refuse");
  EXPECT_EQ(json["findings"][0]["rule"], "dependency_manifest");
  EXPECT_EQ(json["findings"][1]["decision"], "refuse");
}

TEST(DiffChecks, OwnersAddRulesToTheDefaults) {
  DiffRules extra;
  extra.forbidden_paths = {"migrations/"};
  DiffRules rules = with_defaults(extra);
  EXPECT_EQ(check_diff({file("migrations/001.sql", 'A')}, rules).decision, Decision::kRefuse);
  EXPECT_EQ(check_diff({file("CODEOWNERS")}, rules).decision, Decision::kRefuse);
}

}  // namespace
}  // namespace corral::policy
