#include "git/publish.h"

#include <filesystem>

#include <gtest/gtest.h>

#include "git/snapshot.h"
#include "tests/git/git_fixture.h"

namespace corral::git {
namespace {

using testing::quote;
using testing::sh_ok;

class PublishTest : public GitFixture {
 protected:
  std::string make_task_commit() {
    make_worktree();
    testing::write_file(in_worktree("feature.txt"), "feature\n");
    CommitDetails details;
    details.subject = "corral: feature";
    return snapshot_worktree(mirror(), worktree(), branch(), base_, details, SystemClock().now())->commit;
  }
  std::string refs_of_source() {
    return sh_ok("git -C " + quote(source()) + " for-each-ref --format='%(refname) %(objectname)'");
  }
};

TEST_F(PublishTest, TheBranchAppearsInTheSourceWithItsCommits) {
  std::string head = make_task_commit();
  std::string refs_before = refs_of_source();
  std::string status_before = sh_ok("git -C " + quote(source()) + " status --porcelain");
  Status status = publish_branch(mirror(), source(), branch());
  ASSERT_TRUE(status.is_ok()) << status.to_string();
  EXPECT_EQ(sh_ok("git -C " + quote(source()) + " rev-parse " + branch()), head);
  EXPECT_EQ(sh_ok("git -C " + quote(source()) + " show " + branch() + ":feature.txt"), "feature");
  EXPECT_EQ(sh_ok("git -C " + quote(source()) +
                  " for-each-ref --format='%(refname) %(objectname)'"
                  " | grep -v refs/heads/corral/"),
            refs_before);
  EXPECT_EQ(sh_ok("git -C " + quote(source()) + " status --porcelain"), status_before);
  EXPECT_EQ(sh_ok("git -C " + quote(source()) + " symbolic-ref HEAD"), "refs/heads/main");
}

TEST_F(PublishTest, NeverOverwritesAnExistingBranch) {
  make_task_commit();
  sh_ok("git -C " + quote(source()) + " branch " + branch() + " main");
  Status status = publish_branch(mirror(), source(), branch());
  EXPECT_EQ(status.code(), Code::kAlreadyExists);
  EXPECT_EQ(sh_ok("git -C " + quote(source()) + " rev-parse " + branch()), base_);
}

// A corral killed while it created the ref left the ref's lock file behind.
TEST_F(PublishTest, ALockTheRefsLastWriterLeftBehindDoesNotStopIt) {
  std::string head = make_task_commit();
  std::string lock = source() + "/.git/refs/heads/" + branch() + ".lock";
  sh_ok("mkdir -p " + quote(std::filesystem::path(lock).parent_path().string()) + " && touch " + quote(lock));
  Status status = publish_branch(mirror(), source(), branch());
  ASSERT_TRUE(status.is_ok()) << status.to_string();
  EXPECT_EQ(sh_ok("git -C " + quote(source()) + " rev-parse " + branch()), head);
  EXPECT_FALSE(std::filesystem::exists(lock));
}

TEST_F(PublishTest, WorksIntoABareRepository) {
  std::string head = make_task_commit();
  std::string bare = dir_ / "bare.git";
  sh_ok("git clone -q --bare " + quote(source()) + " " + quote(bare));
  ASSERT_TRUE(publish_branch(mirror(), bare, branch()).is_ok());
  EXPECT_EQ(sh_ok("git -C " + quote(bare) + " rev-parse " + branch()), head);
}

}  // namespace
}  // namespace corral::git
