// The spelling rules as tables of hostile paths and the ordinary look-alikes
// that must still pass, through check_path (what a tool call meets). Each
// hostile family is generated from its characters or forms over several
// placements, so no case relies on one position.
#include "policy/path_spelling.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "policy/corpus/path_corpus.h"
#include "policy/path_rules.h"

namespace corral::policy {
namespace {

TEST(PathSpelling, EveryHostileSpellingIsRefusedByItsRule) {
  size_t hostile = 0;
  for (const test::CorpusCase& c : test::path_corpus()) {
    if (!c.hostile) continue;
    ++hostile;
    ToolDecision decision = check_path(c.text, PathPolicy{});
    EXPECT_EQ(decision.verdict, Verdict::kBlock) << "'" << c.text << "' was allowed as " << decision.normalized;
    EXPECT_EQ(decision.rule, c.rule) << "'" << c.text << "': " << decision.reason;
  }
  EXPECT_GE(hostile, 300u);
}

TEST(PathSpelling, OrdinaryNamesThatLookAlikePass) {
  size_t ordinary = 0;
  for (const test::CorpusCase& c : test::path_corpus()) {
    if (c.hostile) continue;
    ++ordinary;
    ToolDecision decision = check_path(c.text, PathPolicy{});
    EXPECT_EQ(decision.verdict, Verdict::kAllow) << "'" << c.text << "': " << decision.rule << " " << decision.reason;
  }
  EXPECT_GE(ordinary, 150u);
}

TEST(PathSpelling, TheReasonNamesTheCharacter) {
  auto problem = spelling_problem("src" + test::utf8(0x2215) + "x");
  ASSERT_TRUE(problem);
  EXPECT_NE(problem->reason.find("U+2215"), std::string::npos) << problem->reason;
}

}  // namespace
}  // namespace corral::policy
