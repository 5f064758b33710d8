#include "git/mirror.h"

#include <gtest/gtest.h>

#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "tests/git/git_fixture.h"

namespace corral::git {
namespace {

using testing::quote;
using testing::sh_ok;

TEST_F(GitFixture, MirrorIsBareAndHoldsTheSourceUnderRefsSource) {
  EXPECT_EQ(sh_ok("git -C " + quote(mirror()) + " rev-parse --is-bare-repository"), "true");
  EXPECT_EQ(sh_ok("git -C " + quote(mirror()) + " rev-parse refs/source/heads/main"), base_);
  EXPECT_EQ(sh_ok("git -C " + quote(mirror()) + " rev-parse refs/source/HEAD"), base_);
  EXPECT_EQ(sh_ok("git -C " + quote(mirror()) + " for-each-ref refs/heads"), "");
}

// The first mirror of a local repository shares its object files (hard
// links, as `git clone --local`), so it costs what a clone costs.
TEST_F(GitFixture, AFirstMirrorSharesTheSourcesObjectFiles) {
  int objects = 0, shared = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(mirror() + "/objects")) {
    if (!entry.is_regular_file() || entry.path().string().find("/info/") != std::string::npos) continue;
    struct stat info {};
    ASSERT_EQ(::stat(entry.path().c_str(), &info), 0);
    ++objects;
    shared += info.st_nlink >= 2;
  }
  EXPECT_GT(objects, 0);
  EXPECT_EQ(shared, objects) << "every object file of the first sync is the source's, linked";
  EXPECT_EQ(sh_ok("git -C " + quote(mirror()) + " fsck --no-progress >/dev/null 2>&1; echo $?"), "0")
      << "and the mirror is whole";
}

TEST_F(GitFixture, SyncNeverMovesTaskBranches) {
  ASSERT_TRUE(create_branch(mirror(), branch(), base_).is_ok());
  // The source gets a branch of the same name pointing elsewhere.
  sh_ok("cd " + quote(source()) + " && git checkout -q -b " + branch() +
        " && git -c user.name=x -c user.email=x@x commit -q --allow-empty -m x && git checkout -q main");
  ASSERT_TRUE(sync_mirror(source(), mirror()).is_ok());
  EXPECT_EQ(*branch_commit(mirror(), branch()), base_);
}

TEST_F(GitFixture, SyncPicksUpNewCommitsAndTags) {
  sh_ok("cd " + quote(source()) +
        " && git -c user.name=x -c user.email=x@x commit -q --allow-empty -m next"
        " && git tag v1");
  ASSERT_TRUE(sync_mirror(source(), mirror()).is_ok());
  std::string head = sh_ok("git -C " + quote(source()) + " rev-parse HEAD");
  EXPECT_TRUE(has_commit(mirror(), head));
  EXPECT_EQ(sh_ok("git -C " + quote(mirror()) + " rev-parse refs/source/tags/v1"), head);
}

// A run fetches its base and nothing else: never the source's other branches.
TEST_F(GitFixture, FetchingARevisionTakesOnlyWhatTheMirrorLacks) {
  auto commit_on = [&](const std::string& branch) {
    sh_ok("cd " + quote(source()) + " && git checkout -q -B " + branch +
          " && git -c user.name=x -c user.email=x@x commit -q --allow-empty -m " + branch + " && git checkout -q main");
    return sh_ok("git -C " + quote(source()) + " rev-parse " + branch);
  };
  std::string side = commit_on("side");
  auto base = fetch_revision(source(), mirror(), "main");
  ASSERT_TRUE(base.is_ok()) << base.status().to_string();
  EXPECT_EQ(*base, base_);
  EXPECT_FALSE(has_commit(mirror(), side)) << "the mirror had main: nothing was fetched";

  std::string moved = commit_on("main");
  EXPECT_EQ(*fetch_revision(source(), mirror(), "main"), moved);
  EXPECT_TRUE(has_commit(mirror(), moved));
  EXPECT_EQ(sh_ok("git -C " + quote(mirror()) + " rev-parse refs/source/heads/main"), moved);
  auto refs = [&] {
    return sh_ok("git -C " + quote(mirror()) + " for-each-ref --format='%(refname)' refs/source/heads");
  };
  EXPECT_EQ(refs(), "refs/source/heads/main")
      << "only main was fetched (libgit2's local transport may bring more objects)";

  EXPECT_EQ(*fetch_revision(source(), mirror(), "side"), side);
  EXPECT_TRUE(has_commit(mirror(), side));
  EXPECT_EQ(fetch_revision(source(), mirror(), "no-such-branch").status().code(), Code::kNotFound);
}

long resident_kib() {
  std::ifstream status("/proc/self/status");
  for (std::string key; status >> key;) {
    if (key == "VmRSS:") {
      long kib = 0;
      status >> kib;
      return kib;
    }
  }
  return -1;
}

// What a daemon does to a mirror for every run (sync it, make and delete a
// task branch) must give back what it took: libgit2 1.5 kept ~50 KB of every
// remote that read `insteadOf` rewrites and ~20 KB of every branch deletion
// that cleaned its config section (over 20 MB for these 300).
TEST_F(GitFixture, RunAfterRunTheMirrorsWorkDoesNotGrowTheProcess) {
  auto one_run = [&](int i) {
    std::string task_branch = "corral/t-" + std::to_string(i);
    ASSERT_TRUE(sync_mirror(source(), mirror()).is_ok());
    ASSERT_TRUE(create_branch(mirror(), task_branch, base_).is_ok());
    ASSERT_TRUE(delete_branch(mirror(), task_branch).is_ok());
  };
  for (int i = 0; i < 20; ++i) one_run(i);  // warm caches
  long before = resident_kib();
  for (int i = 20; i < 320; ++i) one_run(i);
  long grown = resident_kib() - before;
  EXPECT_LT(grown, 3 * 1024) << "KiB grown over 300 runs' mirror work";
}

TEST_F(GitFixture, BranchesCannotBeCreatedTwice) {
  ASSERT_TRUE(create_branch(mirror(), branch(), base_).is_ok());
  EXPECT_EQ(create_branch(mirror(), branch(), base_).code(), Code::kAlreadyExists);
  ASSERT_TRUE(delete_branch(mirror(), branch()).is_ok());
  EXPECT_EQ(branch_commit(mirror(), branch()).status().code(), Code::kNotFound);
  EXPECT_TRUE(delete_branch(mirror(), branch()).is_ok()) << "deleting is idempotent";
}

TEST_F(GitFixture, RevisionsResolveInTheSource) {
  EXPECT_EQ(*resolve_commit(source(), "main"), base_);
  EXPECT_EQ(*resolve_commit(source(), base_.substr(0, 8)), base_);
  EXPECT_EQ(resolve_commit(source(), "no-such-branch").status().code(), Code::kNotFound);
  EXPECT_EQ(resolve_commit(dir_.path(), "HEAD").status().code(), Code::kInvalidArgument);
  std::string tree = sh_ok("git -C " + quote(source()) + " rev-parse HEAD^{tree}");
  EXPECT_EQ(resolve_commit(source(), tree).status().code(), Code::kInvalidArgument);
}

}  // namespace
}  // namespace corral::git

namespace corral::git {
namespace {

// A writer killed mid-update leaves a reference's lock file; libgit2 then
// refuses every update of that reference until it goes.
TEST_F(GitFixture, AStaleReferenceLockIsRemovedAndTheReferenceMovesAgain) {
  ASSERT_TRUE(create_branch(mirror(), "corral/t-1", base_).is_ok());
  std::ofstream(mirror() + "/refs/heads/corral/t-1.lock").put('x');
  std::ofstream(mirror() + "/packed-refs.lock").put('x');
  EXPECT_FALSE(delete_branch(mirror(), "corral/t-1").is_ok()) << "locked";
  auto removed = remove_stale_ref_locks(mirror());
  ASSERT_TRUE(removed.is_ok()) << removed.status().to_string();
  EXPECT_EQ(*removed, 2);
  EXPECT_TRUE(delete_branch(mirror(), "corral/t-1").is_ok());
  EXPECT_EQ(*remove_stale_ref_locks(mirror()), 0);
}

}  // namespace
}  // namespace corral::git

namespace corral::git {
namespace {

TEST_F(GitFixture, AMirrorNotMadeYetHasNoStaleLocks) {
  auto removed = remove_stale_ref_locks(source() + "/not-a-mirror");
  ASSERT_TRUE(removed.is_ok()) << removed.status().to_string();
  EXPECT_EQ(*removed, 0);
}

}  // namespace
}  // namespace corral::git
