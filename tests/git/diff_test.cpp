#include "git/diff.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/git/git_fixture.h"

namespace corral::git {
namespace {

using testing::quote;
using testing::sh_ok;

class DiffTest : public GitFixture {
 protected:
  std::string commit_in_source(const std::string& script) {
    sh_ok("cd " + quote(source()) + " && " + script +
          " && git add -A && git -c user.name=x -c user.email=x@x commit -q -m change");
    return sh_ok("git -C " + quote(source()) + " rev-parse HEAD");
  }
};

TEST_F(DiffTest, CountsLinesPerFileLikeGitDoes) {
  std::string head = commit_in_source(
      "printf 'a\\nb\\nc\\n' > new.txt && printf '# sample\\n' > README.md && git rm -q src/app.c"
      " && git mv docs/old-name.txt docs/renamed.txt && chmod +x scripts/run.sh && printf 'bin\\0ary\\0data' > "
      "blob.bin");
  auto diff = diff_commits(source(), base_, head);
  ASSERT_TRUE(diff.is_ok()) << diff.status().to_string();
  std::string numstat = sh_ok("git -C " + quote(source()) + " diff --numstat -M " + base_ + " " + head +
                              " | awk '{s+=$1; d+=$2} END {print s, d}'");
  EXPECT_EQ(numstat, std::to_string(diff->insertions) + " " + std::to_string(diff->deletions));
  ASSERT_EQ(diff->files.size(), 6u);

  auto find = [&](const std::string& path) {
    for (const auto& file : diff->files)
      if (file.path == path) return file;
    ADD_FAILURE() << "no change for " << path;
    return FileChange{};
  };
  EXPECT_EQ(find("new.txt").status, 'A');
  EXPECT_EQ(find("new.txt").insertions, 3);
  EXPECT_EQ(find("README.md").deletions, 2);
  EXPECT_EQ(find("src/app.c").status, 'D');
  EXPECT_EQ(find("docs/renamed.txt").status, 'R');
  EXPECT_EQ(find("docs/renamed.txt").old_path, "docs/old-name.txt");
  EXPECT_EQ(find("scripts/run.sh").new_mode, 0100755);
  EXPECT_TRUE(find("blob.bin").binary);
  EXPECT_NE(diff->patch.find("+++ b/new.txt"), std::string::npos);

  nlohmann::json json = *diff;
  EXPECT_EQ(json["files_changed"], 6);
  EXPECT_EQ(json["insertions"], diff->insertions);
}

TEST_F(DiffTest, IdenticalCommitsHaveNoChanges) {
  auto diff = diff_commits(source(), base_, base_);
  ASSERT_TRUE(diff.is_ok());
  EXPECT_TRUE(diff->files.empty());
  EXPECT_EQ(diff->patch, "");
}

TEST_F(DiffTest, GivesEachAddedLineWithItsNumberAndWhereLinksPoint) {
  std::string head = commit_in_source(
      "printf 'one\\ntwo\\nthree\\n' > docs/old-name.txt && ln -s ../../etc/passwd docs/link && printf 'x\\n' > "
      "new.txt");
  auto diff = diff_commits(source(), base_, head);
  ASSERT_TRUE(diff.is_ok()) << diff.status().to_string();
  for (const auto& file : diff->files) {
    if (file.path == "docs/old-name.txt") {
      // "this file will be renamed" / "line two" / "line three" became one / two / three
      ASSERT_EQ(file.added.size(), 3u);
      EXPECT_EQ(file.added[0].line, 1);
      EXPECT_EQ(file.added[0].text, "one");
      EXPECT_EQ(file.added[2].line, 3);
      EXPECT_EQ(file.added[2].text, "three");
    } else if (file.path == "docs/link") {
      EXPECT_EQ(file.new_mode, 0120000);
      EXPECT_EQ(file.link_target, "../../etc/passwd");
    } else {
      EXPECT_EQ(file.path, "new.txt");
      ASSERT_EQ(file.added.size(), 1u);
      EXPECT_EQ(file.added[0].text, "x");
    }
  }
}

}  // namespace
}  // namespace corral::git
