// A sample source repository, its mirror, and a worktree of a task branch:
// the state runner/ is in when an agent has just finished.
#pragma once

#include <gtest/gtest.h>

#include "git/mirror.h"
#include "git/revision.h"
#include "git/worktree.h"
#include "tests/support/test_support.h"

namespace corral::git {

class GitFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    testing::make_sample_repo(source());
    ASSERT_TRUE(sync_mirror(source(), mirror()).is_ok());
    auto base = resolve_commit(source(), "HEAD");
    ASSERT_TRUE(base.is_ok());
    base_ = *base;
  }

  void make_worktree() {
    ASSERT_TRUE(create_branch(mirror(), branch(), base_).is_ok());
    Status added = add_worktree(mirror(), "r-1", worktree(), branch());
    ASSERT_TRUE(added.is_ok()) << added.to_string();
  }

  std::string source() const { return dir_ / "source"; }
  std::string mirror() const { return dir_ / "mirror.git"; }
  std::string worktree() const { return dir_ / "worktree"; }
  std::string branch() const { return "corral/t-1"; }
  std::string in_worktree(const std::string& path) const { return worktree() + "/" + path; }

  testing::TempDir dir_;
  std::string base_;
};

}  // namespace corral::git
