#include "git/integrate.h"

#include "git/ancestry.h"
#include "tests/git/history_fixture.h"

namespace corral::git {
namespace {

class IntegrateTest : public HistoryFixture {
 protected:
  Committer committer() const { return Committer{"corral", "corral@localhost", TimePoint{}}; }
};

TEST_F(IntegrateTest, RebaseReplaysEachCommitOnTheNewTipKeepingItsAuthor) {
  std::string first = commit("feature/a.txt", "a\n", "task", base_);
  std::string second = commit("feature/b.txt", "b\n", "task");
  std::string moved = commit("other.txt", "someone else\n", "main");
  share_objects_with(mirror());

  auto result = rebase_onto(mirror(), base_, second, moved, committer());
  ASSERT_TRUE(result.is_ok()) << result.status().to_string();
  EXPECT_TRUE(result->conflicts.empty());
  EXPECT_EQ(result->commits_written, 2);
  EXPECT_TRUE(*is_ancestor(mirror(), moved, result->head));
  EXPECT_EQ(file_at(mirror(), result->head, "feature/a.txt"), "a\n");
  EXPECT_EQ(file_at(mirror(), result->head, "other.txt"), "someone else\n");
  EXPECT_EQ(show(mirror(), result->head), "dev\nchange feature/b.txt");
  auto replayed = commits_between(mirror(), moved, result->head);
  ASSERT_EQ(replayed->size(), 2u);
  EXPECT_EQ((*replayed)[0].summary, "change feature/a.txt");
  (void)first;
}

TEST_F(IntegrateTest, RebaseReportsConflictingPathsAndWritesNothing) {
  std::string task = commit("README.md", "the task's readme\n", "task", base_);
  std::string moved = commit("README.md", "someone else's readme\n", "main");
  share_objects_with(mirror());
  auto result = rebase_onto(mirror(), base_, task, moved, committer());
  ASSERT_TRUE(result.is_ok());
  EXPECT_EQ(result->head, "");
  EXPECT_EQ(result->conflicts, std::vector<std::string>{"README.md"});
}

TEST_F(IntegrateTest, AChangeAlreadyOnTheTipLeavesNothingToApply) {
  std::string task = commit("same.txt", "same\n", "task", base_);
  std::string moved = commit("same.txt", "same\n", "main");
  share_objects_with(mirror());
  auto result = rebase_onto(mirror(), base_, task, moved, committer());
  ASSERT_TRUE(result.is_ok());
  EXPECT_EQ(result->commits_written, 0);
  EXPECT_EQ(result->head, moved);
}

TEST_F(IntegrateTest, MergeMakesACommitWithBothParents) {
  std::string task = commit("feature.txt", "f\n", "task", base_);
  std::string moved = commit("other.txt", "o\n", "main");
  share_objects_with(mirror());
  auto result = merge_onto(mirror(), moved, task, "Merge task t-1\n", committer());
  ASSERT_TRUE(result.is_ok()) << result.status().to_string();
  EXPECT_TRUE(*is_ancestor(mirror(), moved, result->head));
  EXPECT_TRUE(*is_ancestor(mirror(), task, result->head));
  auto again = merge_onto(mirror(), result->head, task, "Merge task t-1\n", committer());
  EXPECT_EQ(again->head, result->head);  // already merged: nothing new
  EXPECT_EQ(again->commits_written, 0);
}

TEST_F(IntegrateTest, RevertUndoesTheCommitsNewestFirstOnTopOfTheTip) {
  std::string first = commit("feature/a.txt", "a\n", "main");
  std::string second = commit("feature/a.txt", "a2\n", "main");
  std::string later = commit("later.txt", "l\n", "main");
  share_objects_with(mirror());
  auto result = revert_onto(mirror(), base_, second, later, "Corral-Rollback-Of: t-1", committer());
  ASSERT_TRUE(result.is_ok()) << result.status().to_string();
  EXPECT_EQ(result->commits_written, 2);
  EXPECT_EQ(file_at(mirror(), result->head, "feature/a.txt"), "");  // gone again
  EXPECT_EQ(file_at(mirror(), result->head, "later.txt"), "l\n");   // later work stays
  std::string message = testing::sh_ok("git -C " + q(mirror()) + " log -1 --format=%B " + result->head);
  EXPECT_NE(message.find("Revert \"change feature/a.txt\""), std::string::npos) << message;
  EXPECT_NE(message.find("This reverts commit " + first), std::string::npos) << message;
  EXPECT_NE(message.find("Corral-Rollback-Of: t-1"), std::string::npos);
}

TEST_F(IntegrateTest, RevertOfAMergeCommitUndoesWhatItBroughtIn) {
  std::string task = commit("feature.txt", "f\n", "task", base_);
  std::string moved = commit("other.txt", "o\n", "main");
  share_objects_with(mirror());
  auto merged = merge_onto(mirror(), moved, task, "Merge task t-1\n", committer());
  ASSERT_TRUE(merged.is_ok());
  auto reverted = revert_onto(mirror(), moved, merged->head, merged->head, "Corral-Rollback-Of: t-1", committer());
  ASSERT_TRUE(reverted.is_ok()) << reverted.status().to_string();
  EXPECT_EQ(reverted->commits_written, 1);
  EXPECT_EQ(file_at(mirror(), reverted->head, "feature.txt"), "");
  EXPECT_EQ(file_at(mirror(), reverted->head, "other.txt"), "o\n");
}

}  // namespace
}  // namespace corral::git
