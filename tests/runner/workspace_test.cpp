// Workspaces on real overlay mounts (root): an overlay workspace collects
// exactly what a worktree would for the same changes, never writes the cached
// checkout below it, and falls back to a worktree where overlayfs cannot go.
#include "runner/workspace/workspace.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include "containers/sandbox_spec.h"
#include "core/clock.h"
#include "git/mirror.h"
#include "git/revision.h"
#include "runner/workspace/overlay_mount.h"
#include "tests/support/test_support.h"

namespace corral::runner {
namespace {

namespace fs = std::filesystem;
using testing::quote;
using testing::sh_ok;

// Every kind of change an agent makes, as a shell script run in the workspace.
constexpr const char* kChanges = R"(set -e
printf 'changed by the agent\n' > README.md
rm src/app.c
mv docs docs-renamed
mv a-directory-with-a-long-name/inner renamed-from-deep-inside-a-long-name
chmod +x scripts/run.sh
ln -s ../README.md scripts/readme-link
ln -s /etc/passwd outside-link
mkdir -p new/deep && printf 'x\n' > new/deep/file.txt
printf 'debug\n' > debug.log
printf 'tracked even if ignored\n' > lib/tracked.log
rm -rf tree && mkdir -p tree/x && printf 'again\n' > tree/x/y.txt
rm file-to-dir && mkdir file-to-dir && printf 'inner\n' > file-to-dir/inner.txt
rm -rf dir-to-file && printf 'now a file\n' > dir-to-file
cat same.txt > same.tmp && mv same.tmp same.txt
mkdir empty-dir
printf 'agent' > .git/agent-note
)";

class WorkspaceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    testing::make_sample_repo(source());
    testing::write_file(source() + "/lib/a.txt", "a\n");
    testing::write_file(source() + "/lib/tracked.log", "tracked\n");
    testing::write_file(source() + "/tree/x/y.txt", "y\n");
    testing::write_file(source() + "/tree/z.txt", "z\n");
    testing::write_file(source() + "/file-to-dir", "a file\n");
    testing::write_file(source() + "/dir-to-file/in.txt", "in\n");
    testing::write_file(source() + "/same.txt", "same\n");
    testing::write_file(source() + "/a-directory-with-a-long-name/inner/file.txt", "deep\n");
    sh_ok("cd " + quote(source()) + " && git add -A -f && git -c user.name=t -c user.email=t@e commit -q -m more");
    ASSERT_TRUE(git::sync_mirror(source(), mirror()).is_ok());
    base_ = *git::resolve_commit(source(), "HEAD");
  }

  WorkspacePlan plan(const std::string& run, WorkspaceMode mode = WorkspaceMode::kAuto) {
    std::string branch = "corral/t-" + run;
    EXPECT_TRUE(git::create_branch(mirror(), branch, base_).is_ok());
    return {run,
            mirror(),
            dir_ / "mirror.lock",
            "repo",
            branch,
            base_,
            dir_ / ("worktrees/" + run),
            layers() + "/" + run,
            dir_ / "checkouts",
            {mode, {}}};
  }

  std::string tree_of(const git::Snapshot& snapshot) {
    return sh_ok("git -C " + quote(mirror()) + " rev-parse " + snapshot.commit + "^{tree}");
  }

  git::Snapshot change_and_collect(Workspace& workspace, const WorkspacePlan& plan) {
    Status made = workspace.make();
    EXPECT_TRUE(made.is_ok()) << made.to_string();
    sh_ok("cd " + quote(plan.path) + " && sh -c " + quote(kChanges));
    git::CommitDetails details;
    details.subject = "corral: changes";
    auto collected = workspace.collect(details, SystemClock().now());
    EXPECT_TRUE(collected.is_ok()) << collected.status().to_string();
    return collected.is_ok() ? *collected : git::Snapshot{};
  }

  std::string source() const { return dir_ / "source"; }
  std::string mirror() const { return dir_ / "mirror.git"; }
  std::string layers() const { return dir_ / "layers"; }
  std::string cached_tree() const { return dir_ / ("checkouts/repo/" + base_ + "/tree"); }

  testing::TempDir dir_;
  std::string base_;
};

bool mounted(const std::string& path) {
  std::ifstream mounts("/proc/self/mountinfo");
  std::string line;
  while (std::getline(mounts, line)) {
    if (line.find(" " + path + " ") != std::string::npos) return true;
  }
  return false;
}

TEST_F(WorkspaceTest, AnOverlayCollectsExactlyWhatAWorktreeDoes) {
  WorkspacePlan overlay_plan = plan("r-1");
  Workspace overlay(overlay_plan);
  git::Snapshot from_overlay = change_and_collect(overlay, overlay_plan);
  EXPECT_STREQ(overlay.kind(), "overlay");

  WorkspacePlan worktree_plan = plan("r-2", WorkspaceMode::kWorktree);
  Workspace worktree(worktree_plan);
  git::Snapshot from_worktree = change_and_collect(worktree, worktree_plan);
  EXPECT_STREQ(worktree.kind(), "worktree");

  ASSERT_TRUE(from_overlay.changed);
  EXPECT_EQ(tree_of(from_overlay), tree_of(from_worktree));
  EXPECT_EQ(
      sh_ok("git -C " + quote(mirror()) + " diff --name-status --no-renames " + base_ + " " + from_overlay.commit),
      "M\tREADME.md\n"
      "D\ta-directory-with-a-long-name/inner/file.txt\n"
      "A\tdir-to-file\n"
      "D\tdir-to-file/in.txt\n"
      "A\tdocs-renamed/old-name.txt\n"
      "D\tdocs/old-name.txt\n"
      "D\tfile-to-dir\n"
      "A\tfile-to-dir/inner.txt\n"
      "M\tlib/tracked.log\n"
      "A\tnew/deep/file.txt\n"
      "A\toutside-link\n"
      "A\trenamed-from-deep-inside-a-long-name/file.txt\n"
      "A\tscripts/readme-link\n"
      "M\tscripts/run.sh\n"
      "D\tsrc/app.c\n"
      "M\ttree/x/y.txt\n"
      "D\ttree/z.txt");
  EXPECT_EQ(sh_ok("git -C " + quote(mirror()) + " ls-tree " + from_overlay.commit + " scripts/run.sh | cut -c1-6"),
            "100755");
  EXPECT_EQ(sh_ok("git -C " + quote(mirror()) + " cat-file -p " + from_overlay.commit + ":outside-link"),
            "/etc/passwd");
  EXPECT_TRUE(overlay.remove().is_ok());
  EXPECT_TRUE(worktree.remove().is_ok());
}

TEST_F(WorkspaceTest, TheCachedCheckoutBelowIsNeverWritten) {
  WorkspacePlan first_plan = plan("r-1");
  Workspace first(first_plan);
  change_and_collect(first, first_plan);
  EXPECT_FALSE(first.cache_hit());
  EXPECT_EQ(testing::read_file(cached_tree() + "/README.md"), "# sample\n\nA repository made by a test.\n");
  EXPECT_TRUE(fs::exists(cached_tree() + "/src/app.c"));
  EXPECT_TRUE(fs::exists(cached_tree() + "/docs/old-name.txt"));
  EXPECT_FALSE(fs::exists(cached_tree() + "/.git"));

  // A second run on the same base takes the cache and sees the base, not the first run's changes.
  WorkspacePlan second_plan = plan("r-2");
  Workspace second(second_plan);
  ASSERT_TRUE(second.make().is_ok());
  EXPECT_TRUE(second.cache_hit());
  EXPECT_EQ(testing::read_file(second_plan.path + "/README.md"), "# sample\n\nA repository made by a test.\n");
  // git works in it and finds it clean, with the index it was given.
  // (The sandbox sees the mirror's objects at /.corral/git-objects; here they are named directly.)
  EXPECT_EQ(sh_ok("cd " + quote(second_plan.path) + " && GIT_ALTERNATE_OBJECT_DIRECTORIES=" + quote(mirror()) +
                  "/objects git -c safe.directory='*' status --porcelain 2>/dev/null"),
            "");
  struct stat info {};
  ASSERT_EQ(::stat(second_plan.path.c_str(), &info), 0);
  EXPECT_EQ(info.st_uid, containers::kSandboxUid);
  ASSERT_TRUE(first.remove().is_ok());
  ASSERT_TRUE(second.remove().is_ok());
}

TEST_F(WorkspaceTest, RemovingLeavesNoMountAndNoFiles) {
  WorkspacePlan the_plan = plan("r-1");
  Workspace workspace(the_plan);
  change_and_collect(workspace, the_plan);
  EXPECT_TRUE(mounted(the_plan.path));
  ASSERT_TRUE(workspace.remove().is_ok());
  EXPECT_FALSE(mounted(the_plan.path));
  EXPECT_FALSE(fs::exists(the_plan.path));
  EXPECT_FALSE(fs::exists(the_plan.layer_path));
  EXPECT_TRUE(fs::exists(cached_tree()));  // the cache stays for the next run
}

TEST_F(WorkspaceTest, AStrayMountedWorkspaceIsRemoved) {
  WorkspacePlan the_plan = plan("r-1");
  Workspace workspace(the_plan);
  ASSERT_TRUE(workspace.make().is_ok());
  // As reconciliation does after a crash, knowing only the paths.
  ASSERT_TRUE(remove_workspace_files(the_plan.path, the_plan.layer_path, {mirror()}, "r-1").is_ok());
  EXPECT_FALSE(mounted(the_plan.path));
  EXPECT_FALSE(fs::exists(the_plan.path));
  EXPECT_EQ(testing::read_file(cached_tree() + "/README.md"), "# sample\n\nA repository made by a test.\n");
}

TEST_F(WorkspaceTest, WhereOverlayfsCannotHoldTheLayerAWorktreeIsUsedAndSaysWhy) {
  // overlayfs cannot be an upper layer: the layers directory sits on one.
  for (const char* part : {"lower", "upper", "work"}) fs::create_directories(dir_ / ("outer/" + std::string(part)));
  fs::create_directories(layers());
  ASSERT_TRUE(mount_overlay(dir_ / "outer/lower", dir_ / "outer/upper", dir_ / "outer/work", layers()).is_ok());
  WorkspacePlan the_plan = plan("r-1");
  Workspace workspace(the_plan);
  git::Snapshot collected = change_and_collect(workspace, the_plan);
  EXPECT_STREQ(workspace.kind(), "worktree");
  EXPECT_NE(workspace.why_not_overlay(), "");
  EXPECT_TRUE(collected.changed);
  EXPECT_TRUE(workspace.remove().is_ok());
  EXPECT_TRUE(unmount(layers()).is_ok());
}

class CheckoutCacheTest : public WorkspaceTest {
 protected:
  void age(const std::string& commit_dir, std::chrono::hours by) {
    auto then = std::chrono::system_clock::now() - by;
    struct timespec times[2];
    times[0].tv_sec = times[1].tv_sec = std::chrono::system_clock::to_time_t(then);
    times[0].tv_nsec = times[1].tv_nsec = 0;
    ASSERT_EQ(::utimensat(AT_FDCWD, (commit_dir + "/used").c_str(), times, 0), 0);
  }
  std::string entry() const { return dir_ / ("checkouts/repo/" + base_); }
};

TEST_F(CheckoutCacheTest, ATreeUnusedForTooLongIsEvictedUnlessARunHoldsIt) {
  CheckoutCache cache(dir_ / "checkouts", {int64_t{1} << 40, std::chrono::hours(48)});
  auto lease = cache.lease(mirror(), "repo", base_);
  ASSERT_TRUE(lease.is_ok()) << lease.status().to_string();
  EXPECT_TRUE(lease->built);
  age(entry(), std::chrono::hours(72));
  ASSERT_TRUE(cache.evict(std::chrono::system_clock::now()).is_ok());
  EXPECT_TRUE(fs::exists(entry())) << "held by a run";
  lease->lock = FileLock();
  ASSERT_TRUE(cache.evict(std::chrono::system_clock::now()).is_ok());
  EXPECT_FALSE(fs::exists(entry()));
  EXPECT_FALSE(fs::exists(entry() + ".lock"));
}

TEST_F(CheckoutCacheTest, OverTheSizeLimitTheLeastRecentlyUsedGoFirstButNotOneJustTaken) {
  std::string older = *git::resolve_commit(source(), "HEAD~1");
  CheckoutCache cache(dir_ / "checkouts", {1, std::chrono::hours(48)});
  ASSERT_TRUE(cache.lease(mirror(), "repo", older).is_ok());
  ASSERT_TRUE(cache.lease(mirror(), "repo", base_).is_ok());
  std::string older_entry = dir_ / ("checkouts/repo/" + older);
  ASSERT_TRUE(cache.evict(std::chrono::system_clock::now()).is_ok());
  EXPECT_TRUE(fs::exists(older_entry)) << "used within the last minute";
  age(older_entry, std::chrono::hours(2));
  ASSERT_TRUE(cache.evict(std::chrono::system_clock::now()).is_ok());
  EXPECT_FALSE(fs::exists(older_entry));
  EXPECT_TRUE(fs::exists(entry()));
}

TEST_F(CheckoutCacheTest, RunsStartingTogetherOnOneBaseBuildItOnce) {
  CheckoutCache cache(dir_ / "checkouts", {});
  std::vector<Result<CheckoutLease>> leases;
  for (int i = 0; i < 4; ++i) leases.emplace_back(Status::internal("not taken"));
  std::vector<std::thread> threads;
  for (auto& lease : leases) threads.emplace_back([&] { lease = cache.lease(mirror(), "repo", base_); });
  for (auto& thread : threads) thread.join();
  int built = 0;
  for (auto& lease : leases) {
    ASSERT_TRUE(lease.is_ok()) << lease.status().to_string();
    built += lease->built;
  }
  EXPECT_EQ(built, 1);
}

}  // namespace
}  // namespace corral::runner
