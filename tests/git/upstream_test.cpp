#include "git/upstream.h"

#include "git/shared_ref.h"
#include "tests/git/history_fixture.h"

namespace corral::git {
namespace {

using UpstreamTest = HistoryFixture;

TEST_F(UpstreamTest, FetchesABranchIntoTheMirror) {
  auto tip = fetch_upstream_branch(mirror(), {upstream(), ""}, "main", "refs/upstream/heads/main");
  ASSERT_TRUE(tip.is_ok()) << tip.status().to_string();
  EXPECT_EQ(*tip, base_);
  auto missing = fetch_upstream_branch(mirror(), {upstream(), ""}, "no-such-branch", "refs/upstream/heads/x");
  ASSERT_TRUE(missing.is_ok()) << missing.status().to_string();
  EXPECT_EQ(*missing, "");
}

TEST_F(UpstreamTest, ReadsTheDefaultBranch) {
  auto branch = upstream_default_branch(mirror(), {upstream(), ""});
  ASSERT_TRUE(branch.is_ok()) << branch.status().to_string();
  EXPECT_EQ(*branch, "main");
  EXPECT_EQ(*upstream_default_branch(mirror(), {"file://" + upstream(), ""}), "main");
}

TEST_F(UpstreamTest, AVanishedUpstreamIsNamedNotAProtocolError) {
  std::string gone = upstream() + "-moved-away";
  for (const std::string& url : {gone, "file://" + gone}) {
    auto tip = fetch_upstream_branch(mirror(), {url, ""}, "main", "refs/upstream/heads/main");
    ASSERT_FALSE(tip.is_ok());
    EXPECT_EQ(tip.status().code(), Code::kNotFound);
    EXPECT_NE(tip.status().message().find("the upstream " + url + " does not exist"), std::string::npos)
        << tip.status().message();
    EXPECT_FALSE(publish_to_upstream(mirror(), {url, ""}, "main", base_, base_).is_ok());
  }
}

// Both ways of publishing: a compare-and-swap on a local path, a push
// without force through file://.
class PublishTest : public UpstreamTest, public ::testing::WithParamInterface<std::string> {
 protected:
  Upstream target() { return {GetParam() + upstream(), ""}; }
};

TEST_P(PublishTest, PublishesAFastForward) {
  std::string next = commit("a.txt", "a\n", "task", base_);
  share_objects_with(mirror());
  Status published = publish_to_upstream(mirror(), target(), "main", base_, next);
  ASSERT_TRUE(published.is_ok()) << published.to_string();
  EXPECT_EQ(upstream_tip(), next);
  ASSERT_TRUE(publish_to_upstream(mirror(), target(), "release/1", "", next).is_ok());
  EXPECT_EQ(upstream_tip("release/1"), next);
}

TEST_P(PublishTest, RefusesWhenTheUpstreamMovedAndChangesNothing) {
  std::string ours = commit("a.txt", "a\n", "task", base_);
  share_objects_with(mirror());
  std::string theirs = commit("b.txt", "b\n", "main");
  testing::sh_ok("cd " + q(work()) + " && git push -q origin main");
  Status published = publish_to_upstream(mirror(), target(), "main", base_, ours);
  EXPECT_EQ(published.code(), Code::kFailedPrecondition) << published.to_string();
  EXPECT_EQ(upstream_tip(), theirs);
}

INSTANTIATE_TEST_SUITE_P(Ways, PublishTest, ::testing::Values("", "file://"),
                         [](const auto& info) { return info.param.empty() ? "LocalPath" : "FileUrl"; });

TEST_F(UpstreamTest, ARepositoryWithTheBranchCheckedOutIsRefused) {
  std::string next = commit("a.txt", "a\n", "task", base_);
  share_objects_with(mirror());
  testing::sh_ok("cd " + q(work()) + " && git checkout -q main");
  Status published = publish_to_upstream(mirror(), {work(), ""}, "main", base_, next);
  EXPECT_EQ(published.code(), Code::kFailedPrecondition);
  EXPECT_NE(published.message().find("checked out"), std::string::npos);
  EXPECT_EQ(trim(testing::sh_ok("git -C " + q(work()) + " rev-parse main")), base_);
}

TEST(CredentialsReference, NamesAVariableOrNothing) {
  EXPECT_TRUE(check_credentials_reference("").is_ok());
  EXPECT_TRUE(check_credentials_reference("env:GIT_TOKEN").is_ok());
  EXPECT_FALSE(check_credentials_reference("ghp_secretvalue").is_ok());
  EXPECT_FALSE(check_credentials_reference("env:").is_ok());
  EXPECT_FALSE(check_credentials_reference("env:A B").is_ok());
}

}  // namespace
}  // namespace corral::git
