#include "git/shared_ref.h"

#include "git/ancestry.h"
#include "tests/git/history_fixture.h"

namespace corral::git {
namespace {

class SharedRefTest : public HistoryFixture {
 protected:
  const std::string kRef = "refs/shared/heads/main";
};

TEST_F(SharedRefTest, MovesForwardByCompareAndSwap) {
  std::string next = commit("a.txt", "a\n");
  share_objects_with(mirror());
  EXPECT_EQ(*read_ref(mirror(), kRef), "");
  ASSERT_TRUE(advance_ref(mirror(), kRef, "", base_, "init").is_ok());
  ASSERT_TRUE(advance_ref(mirror(), kRef, base_, next, "merge").is_ok());
  EXPECT_EQ(*read_ref(mirror(), kRef), next);
}

TEST_F(SharedRefTest, RefusesToMoveBackwardsOrSidewaysAndSaysWhatWouldBeLost) {
  std::string a = commit("a.txt", "a\n");
  std::string b = commit("b.txt", "b\n");
  std::string sideways = commit("c.txt", "c\n", "other", base_);
  share_objects_with(mirror());
  ASSERT_TRUE(advance_ref(mirror(), kRef, "", b, "init").is_ok());

  Status back = advance_ref(mirror(), kRef, b, a, "rewind");
  EXPECT_EQ(back.code(), Code::kPermissionDenied);
  EXPECT_NE(back.message().find("would drop 1 commit(s)"), std::string::npos) << back.message();
  Status side = advance_ref(mirror(), kRef, b, sideways, "replace");
  EXPECT_EQ(side.code(), Code::kPermissionDenied);
  EXPECT_NE(side.message().find("would drop 2 commit(s)"), std::string::npos) << side.message();
  EXPECT_EQ(*read_ref(mirror(), kRef), b);

  auto lost = commits_lost(mirror(), b, sideways);
  ASSERT_EQ(lost->size(), 2u);
  EXPECT_EQ((*lost)[0].id, b);  // newest first
  EXPECT_EQ((*lost)[1].id, a);
}

TEST_F(SharedRefTest, ALostRaceChangesNothing) {
  std::string a = commit("a.txt", "a\n");
  std::string b = commit("b.txt", "b\n");
  share_objects_with(mirror());
  ASSERT_TRUE(advance_ref(mirror(), kRef, "", a, "init").is_ok());
  Status stale = advance_ref(mirror(), kRef, base_, b, "merge from a stale view");
  EXPECT_EQ(stale.code(), Code::kFailedPrecondition) << stale.to_string();
  EXPECT_EQ(advance_ref(mirror(), kRef, "", b, "create again").code(), Code::kFailedPrecondition);
  EXPECT_EQ(*read_ref(mirror(), kRef), a);
}

TEST_F(SharedRefTest, WithdrawsOnlyAnUnpublishedTipToItsAncestor) {
  std::string a = commit("a.txt", "a\n");
  std::string sideways = commit("c.txt", "c\n", "other", base_);
  share_objects_with(mirror());
  ASSERT_TRUE(advance_ref(mirror(), kRef, "", a, "init").is_ok());
  EXPECT_FALSE(withdraw_unpublished(mirror(), kRef, a, sideways).is_ok());
  ASSERT_TRUE(withdraw_unpublished(mirror(), kRef, a, base_).is_ok());
  EXPECT_EQ(*read_ref(mirror(), kRef), base_);
}

}  // namespace
}  // namespace corral::git
