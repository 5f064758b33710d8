#include "git/snapshot.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>

#include "tests/git/git_fixture.h"

namespace corral::git {
namespace {

namespace fs = std::filesystem;
using testing::quote;
using testing::sh_ok;

class SnapshotTest : public GitFixture {
 protected:
  Result<Snapshot> snapshot() {
    CommitDetails details;
    details.subject = "corral: change things";
    details.body = "The prompt.";
    details.trailers = {{"Corral-Task", "t-1"}, {"Corral-Agent", "scripted"}};
    return snapshot_worktree(mirror(), worktree(), branch(), base_, details, SystemClock().now());
  }

  // What the git CLI says changed on the branch: "STATUS\tpath[\tpath]" lines.
  std::string name_status() {
    return sh_ok("git -C " + quote(mirror()) + " diff --name-status -M " + base_ + " " + branch());
  }
};

TEST_F(SnapshotTest, NothingChangedMeansNoCommit) {
  make_worktree();
  auto result = snapshot();
  ASSERT_TRUE(result.is_ok()) << result.status().to_string();
  EXPECT_FALSE(result->changed);
  EXPECT_EQ(result->commit, base_);
  EXPECT_EQ(*branch_commit(mirror(), branch()), base_);
}

TEST_F(SnapshotTest, RecordsEveryKindOfChange) {
  make_worktree();
  testing::write_file(in_worktree("new/file.txt"), "added\n");
  testing::write_file(in_worktree("README.md"), "# sample\n\nChanged by the agent.\n");
  fs::remove(in_worktree("src/app.c"));
  fs::rename(in_worktree("docs/old-name.txt"), in_worktree("docs/new-name.txt"));
  ::chmod(in_worktree("scripts/run.sh").c_str(), 0755);
  fs::create_symlink("../README.md", in_worktree("docs/readme-link"));

  auto result = snapshot();
  ASSERT_TRUE(result.is_ok()) << result.status().to_string();
  EXPECT_TRUE(result->changed);
  EXPECT_EQ(*branch_commit(mirror(), branch()), result->commit);
  EXPECT_EQ(name_status(),
            "M\tREADME.md\n"
            "R100\tdocs/old-name.txt\tdocs/new-name.txt\n"
            "A\tdocs/readme-link\n"
            "A\tnew/file.txt\n"
            "M\tscripts/run.sh\n"
            "D\tsrc/app.c");
  EXPECT_EQ(sh_ok("git -C " + quote(mirror()) + " ls-tree " + branch() + " scripts/run.sh | cut -c1-6"), "100755");
  EXPECT_EQ(sh_ok("git -C " + quote(mirror()) + " ls-tree " + branch() + " docs/readme-link | cut -c1-6"), "120000");
}

TEST_F(SnapshotTest, CommitIsCorralsWithTrailersAndTheBaseAsParent) {
  make_worktree();
  testing::write_file(in_worktree("x.txt"), "x\n");
  auto result = snapshot();
  ASSERT_TRUE(result.is_ok());
  std::string show = "git -C " + quote(mirror()) + " show -s --format=";
  EXPECT_EQ(sh_ok(show + "%an\\<%ae\\> " + result->commit), "corral<corral@localhost>");
  EXPECT_EQ(sh_ok(show + "%P " + result->commit), base_);
  std::string body = sh_ok(show + "%B " + result->commit);
  EXPECT_NE(body.find("corral: change things\n\nThe prompt.\n\nCorral-Task: t-1\nCorral-Agent: scripted"),
            std::string::npos)
      << body;
  EXPECT_EQ(sh_ok("printf '%s\\n' " + quote(body) + " | git interpret-trailers --parse"),
            "Corral-Task: t-1\nCorral-Agent: scripted");
}

TEST_F(SnapshotTest, IgnoredFilesAndDotGitStayOut) {
  make_worktree();
  testing::write_file(in_worktree("build.log"), "noise\n");
  testing::write_file(in_worktree("nested/.git/config"), "[core]\n");
  testing::write_file(in_worktree("kept.txt"), "kept\n");
  auto result = snapshot();
  ASSERT_TRUE(result.is_ok());
  EXPECT_EQ(name_status(), "A\tkept.txt");
}

TEST_F(SnapshotTest, AHostileDotGitFileIsNeverFollowed) {
  make_worktree();
  // The agent builds its own repository and points the worktree's .git at it,
  // with a config that would run a command if anything honoured it.
  std::string evil = in_worktree("evil.git");
  sh_ok("git init -q --bare " + quote(evil) + " && git -C " + quote(evil) + " config core.fsmonitor 'touch " +
        dir_ / "pwned" + "'");
  testing::write_file(in_worktree(".git"), "gitdir: " + evil + "\n");
  testing::write_file(in_worktree("work.txt"), "work\n");
  auto result = snapshot();
  ASSERT_TRUE(result.is_ok()) << result.status().to_string();
  EXPECT_FALSE(fs::exists(dir_ / "pwned"));
  EXPECT_EQ(*branch_commit(mirror(), branch()), result->commit);
  EXPECT_NE(name_status().find("A\twork.txt"), std::string::npos);
  EXPECT_EQ(sh_ok("git -C " + quote(evil) + " for-each-ref"), "");
}

TEST_F(SnapshotTest, SymlinksToHostSecretsAreStoredAsLinksNotContent) {
  make_worktree();
  fs::create_symlink("/etc/shadow", in_worktree("stolen"));
  auto result = snapshot();
  ASSERT_TRUE(result.is_ok());
  EXPECT_EQ(sh_ok("git -C " + quote(mirror()) + " cat-file -p " + branch() + ":stolen"), "/etc/shadow");
}

TEST_F(SnapshotTest, AFifoLeftByTheAgentDoesNotHangCollection) {
  make_worktree();
  ASSERT_EQ(::mkfifo(in_worktree("pipe").c_str(), 0644), 0);
  testing::write_file(in_worktree("real.txt"), "real\n");
  auto result = snapshot();
  ASSERT_TRUE(result.is_ok()) << result.status().to_string();
  EXPECT_EQ(name_status(), "A\treal.txt");
}

TEST_F(SnapshotTest, BranchThatMovedMeanwhileIsNotOverwritten) {
  make_worktree();
  testing::write_file(in_worktree("x.txt"), "x\n");
  // Someone else moved the branch since the run started.
  sh_ok("git -C " + quote(source()) + " commit -q --allow-empty -m other");
  ASSERT_TRUE(sync_mirror(source(), mirror()).is_ok());
  std::string other = sh_ok("git -C " + quote(mirror()) + " rev-parse refs/source/heads/main");
  sh_ok("git -C " + quote(mirror()) + " update-ref refs/heads/" + branch() + " " + other);
  auto result = snapshot();
  EXPECT_FALSE(result.is_ok());
  EXPECT_EQ(*branch_commit(mirror(), branch()), other);
}

}  // namespace
}  // namespace corral::git
