#include "policy/path_glob.h"

#include <gtest/gtest.h>

namespace corral::policy {
namespace {

struct Case {
  const char* pattern;
  const char* path;
  bool matches;
};

TEST(PathGlob, MatchesTheWayOwnersWriteThem) {
  const Case kCases[] = {
      {"*.pem", "server.pem", true},
      {"*.pem", "deep/in/tree/server.pem", true},  // no '/': a file name at any depth
      {"*.pem", "server.pem.txt", false},
      {".env", "config/.env", true},
      {".env.*", ".env.production", true},
      {".env.*", ".envrc", false},
      {".github/workflows/", ".github/workflows/ci.yml", true},  // a folder: everything under it
      {".github/workflows/", ".github/workflows/nested/x.yml", true},
      {".github/workflows/", "sub/.github/workflows/ci.yml", false},  // with '/': anchored at the root
      {".github/workflows/", ".github/workflows", false},
      {"**/.claude/", ".claude/settings.json", true},  // **/ also matches nothing
      {"**/.claude/", "pkg/.claude/commands/x.md", true},
      {"**/.claude/", "pkg/claude/x.md", false},
      {"src/*.c", "src/a.c", true},
      {"src/*.c", "src/sub/a.c", false},  // * never crosses '/'
      {"src/**/*.c", "src/sub/deeper/a.c", true},
      {"src/**/*.c", "src/a.c", true},
      {"requirements*.txt", "requirements-dev.txt", true},
      {"file?.txt", "file1.txt", true},
      {"file?.txt", "file10.txt", false},
      {"CODEOWNERS", "CODEOWNERS", true},
      {"CODEOWNERS", "docs/CODEOWNERS", true},
      {"", "anything", false},
  };
  for (const Case& c : kCases) {
    EXPECT_EQ(glob_matches(c.pattern, c.path), c.matches) << c.pattern << " vs " << c.path;
  }
}

TEST(PathGlob, WholeTextMatchingForBranchNames) {
  EXPECT_TRUE(glob_matches_whole("main", "main"));
  EXPECT_FALSE(glob_matches_whole("main", "feature/main"));
  EXPECT_TRUE(glob_matches_whole("release/*", "release/1.2"));
  EXPECT_FALSE(glob_matches_whole("release/*", "release/1.2/hotfix"));
  EXPECT_FALSE(glob_matches_whole("", ""));
}

TEST(PathGlob, FirstMatchNamesThePattern) {
  std::vector<std::string> patterns = {"*.key", "secrets/"};
  ASSERT_NE(first_match(patterns, "secrets/a.txt"), nullptr);
  EXPECT_EQ(*first_match(patterns, "secrets/a.txt"), "secrets/");
  EXPECT_EQ(first_match(patterns, "src/main.c"), nullptr);
}

}  // namespace
}  // namespace corral::policy
