// The sensitive-file list as a table: the credential stores real machines and
// repositories hold must be caught, their harmless siblings (templates,
// examples, public keys) and ordinary files must not; the tool gate and the
// diff checks read the one list alike; owners add and remove patterns.
#include "policy/sensitive_files.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "policy/corpus/sensitive_file_corpus.h"
#include "policy/diff_checks.h"
#include "policy/path_rules.h"

namespace corral::policy {
namespace {

TEST(SensitiveFiles, EveryCredentialStoreIsCaughtAnywhere) {
  size_t lines = 0;
  for (const test::CorpusCase& c : test::sensitive_file_corpus()) {
    if (!c.hostile) continue;
    ++lines;
    EXPECT_NE(sensitive_match(default_sensitive_patterns(), c.text), nullptr) << c.text;
  }
  EXPECT_GE(lines, 150u);
}

TEST(SensitiveFiles, TemplatesExamplesPublicKeysAndOrdinaryFilesPass) {
  size_t lines = 0;
  for (const test::CorpusCase& c : test::sensitive_file_corpus()) {
    if (c.hostile) continue;
    ++lines;
    const std::string* rule = sensitive_match(default_sensitive_patterns(), c.text);
    EXPECT_EQ(rule, nullptr) << c.text << " matched " << (rule ? *rule : "");
  }
  EXPECT_GE(lines, 150u);
}

TEST(SensitiveFiles, TheToolGateAndTheDiffChecksReadTheOneList) {
  DiffRules rules = default_diff_rules();
  for (const std::string& path : {std::string("deploy/id_rsa.bak"), std::string(".env.example"),
                                  std::string("infra/prod.tfvars"), std::string("keys/id_ed25519.pub")}) {
    bool gate = check_path(path, PathPolicy{}).rule == "sensitive_file";
    ProposedChange change;
    change.status = 'A';
    change.path = path;
    change.new_mode = 0100644;
    DiffVerdict verdict = check_diff({change}, rules);
    bool diff = false;
    for (const Finding& finding : verdict.findings) diff = diff || finding.rule == "sensitive_file";
    EXPECT_EQ(gate, diff) << path;
  }
}

TEST(SensitiveFiles, OwnersAddPatternsAndRemoveDefaultsWithANegation) {
  std::vector<std::string> patterns = default_sensitive_patterns();
  patterns.push_back("config/secrets/");
  patterns.push_back("!fixtures/.env");
  EXPECT_NE(sensitive_match(patterns, "config/secrets/db.yml"), nullptr);
  EXPECT_EQ(sensitive_match(patterns, "fixtures/.env"), nullptr);
  EXPECT_NE(sensitive_match(patterns, "app/.env"), nullptr) << "only the exempted one";
}

}  // namespace
}  // namespace corral::policy
