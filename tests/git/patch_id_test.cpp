// Patch ids as git defines them, and the interdiff: what decides whether an
// approval survives a rebase, and what a reviewer is shown when it does not.
#include "git/patch_id.h"

#include "git/integrate.h"
#include "tests/git/history_fixture.h"

namespace corral::git {
namespace {

class PatchIdTest : public HistoryFixture {
 protected:
  // "1".."10", one a line, with line `changed` (1-based) replaced by `text`.
  static std::string numbers(int changed = 0, const std::string& text = "") {
    std::string out;
    for (int line = 1; line <= 10; ++line) out += (line == changed ? text : std::to_string(line)) + "\n";
    return out;
  }
  std::string git_patch_id(const std::string& from, const std::string& to) {
    std::string out =
        testing::sh_ok("git -C " + q(mirror()) + " diff --no-renames " + from + " " + to + " | git patch-id --stable");
    return out.substr(0, out.find(' '));
  }
  Committer committer() const { return Committer{"corral", "corral@localhost", TimePoint{}}; }
};

TEST_F(PatchIdTest, IsGitsStablePatchIdAndEmptyForNoChange) {
  std::string start = commit("list.txt", numbers(), "main");
  std::string task = commit("list.txt", numbers(6, "six"), "task", start);
  commit("more.txt", "more\n", "task");
  std::string head = this->head();
  share_objects_with(mirror());
  auto id = patch_id(mirror(), start, head);
  ASSERT_TRUE(id.is_ok()) << id.status().to_string();
  EXPECT_EQ(id->size(), 40u);
  EXPECT_EQ(*id, git_patch_id(start, head));
  EXPECT_NE(*id, *patch_id(mirror(), start, task));
  EXPECT_EQ(*patch_id(mirror(), head, head), "");
  EXPECT_FALSE(patch_id(mirror(), start, std::string(40, 'f')).is_ok()) << "an unknown commit is an error";
}

TEST_F(PatchIdTest, ACleanRebaseKeepsThePatchIdAndLeavesNoInterdiff) {
  std::string start = commit("list.txt", numbers(), "main");
  std::string task = commit("list.txt", numbers(9, "nine"), "task", start);
  std::string moved = commit("elsewhere.txt", "someone else\n", "main");
  share_objects_with(mirror());
  auto rebased = rebase_onto(mirror(), start, task, moved, committer());
  ASSERT_TRUE(rebased.is_ok() && rebased->conflicts.empty());
  EXPECT_EQ(*patch_id(mirror(), moved, rebased->head), *patch_id(mirror(), start, task));
  EXPECT_EQ(*interdiff(mirror(), start, task, moved, rebased->head), "");
}

// The tip changed a line inside the task's hunk's context: the rebase is
// clean, but the hunk a reviewer approved is not the hunk that would merge.
TEST_F(PatchIdTest, AHunkTheRebaseChangedChangesThePatchIdAndTheInterdiffShowsOnlyThat) {
  std::string start = commit("list.txt", numbers(), "main");
  commit("notes.txt", "task notes\n", "task", start);
  std::string task = commit("list.txt", numbers(6, "six"), "task");
  std::string moved = commit("list.txt", numbers(3, "three"), "main");
  share_objects_with(mirror());
  auto rebased = rebase_onto(mirror(), start, task, moved, committer());
  ASSERT_TRUE(rebased.is_ok() && rebased->conflicts.empty());
  EXPECT_NE(*patch_id(mirror(), moved, rebased->head), *patch_id(mirror(), start, task));
  EXPECT_EQ(*patch_id(mirror(), moved, rebased->head), git_patch_id(moved, rebased->head));

  auto shown = interdiff(mirror(), start, task, moved, rebased->head);
  ASSERT_TRUE(shown.is_ok()) << shown.status().to_string();
  EXPECT_NE(shown->find("--- a/approved.diff"), std::string::npos) << *shown;
  EXPECT_NE(shown->find("\n- 3\n"), std::string::npos) << "the context line as approved\n" << *shown;
  EXPECT_NE(shown->find("\n+ three\n"), std::string::npos) << "and as it is now\n" << *shown;
  EXPECT_EQ(shown->find("notes.txt"), std::string::npos) << "the unchanged file is not shown again\n" << *shown;
  EXPECT_EQ(shown->find("+six"), std::string::npos) << "nor the unchanged added line\n" << *shown;
}

}  // namespace
}  // namespace corral::git
