#include "git/worktree.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "tests/git/git_fixture.h"

namespace corral::git {
namespace {

namespace fs = std::filesystem;
using testing::quote;
using testing::sh_ok;

TEST_F(GitFixture, WorktreeIsCheckedOutAtTheTaskBranch) {
  make_worktree();
  EXPECT_EQ(testing::read_file(in_worktree("README.md")), "# sample\n\nA repository made by a test.\n");
  EXPECT_TRUE(fs::exists(in_worktree("src/app.c")));
  EXPECT_EQ(sh_ok("git -C " + quote(worktree()) + " rev-parse HEAD"), base_);
  EXPECT_EQ(sh_ok("git -C " + quote(worktree()) + " symbolic-ref HEAD"), "refs/heads/" + branch());
  EXPECT_EQ(sh_ok("git -C " + quote(worktree()) + " status --porcelain"), "");
}

TEST_F(GitFixture, RemovingAWorktreeLeavesNoTrace) {
  make_worktree();
  ASSERT_TRUE(remove_worktree(mirror(), "r-1", worktree()).is_ok());
  EXPECT_FALSE(fs::exists(worktree()));
  EXPECT_FALSE(fs::exists(mirror() + "/worktrees/r-1"));
  EXPECT_EQ(sh_ok("git -C " + quote(mirror()) + " worktree list | wc -l"), "1");
  EXPECT_TRUE(remove_worktree(mirror(), "r-1", worktree()).is_ok()) << "removal is idempotent";
}

TEST_F(GitFixture, AWorktreeNeedsAnExistingBranch) {
  Status status = add_worktree(mirror(), "r-2", dir_ / "wt2", "corral/missing");
  EXPECT_FALSE(status.is_ok());
  EXPECT_EQ(status.code(), Code::kNotFound);
}

}  // namespace
}  // namespace corral::git
