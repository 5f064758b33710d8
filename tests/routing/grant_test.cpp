#include "routing/grant.h"

#include <gtest/gtest.h>

namespace corral::routing {
namespace {

TEST(Grant, DefaultsAreSafe) {
  auto grant = default_grant({});
  ASSERT_TRUE(grant.is_ok());
  EXPECT_FALSE(grant->network);
  EXPECT_EQ(grant->limits.timeout, std::chrono::seconds(600));
  EXPECT_EQ(grant->limits.memory_bytes, int64_t{1} << 30);
  EXPECT_EQ(grant->limits.pids, 256);
  EXPECT_DOUBLE_EQ(grant->limits.cpus, 1.0);
}

TEST(Grant, RequestsWithinBoundsApply) {
  LimitRequest request;
  request.timeout_seconds = 5;
  request.memory_bytes = int64_t{64} << 20;
  request.pids = 32;
  request.cpus = 0.5;
  auto grant = default_grant(request);
  ASSERT_TRUE(grant.is_ok());
  EXPECT_EQ(grant->limits.timeout, std::chrono::seconds(5));
  EXPECT_EQ(grant->limits.memory_bytes, int64_t{64} << 20);
  EXPECT_EQ(grant->limits.pids, 32);
  EXPECT_DOUBLE_EQ(grant->limits.cpus, 0.5);
}

TEST(Grant, OutOfBoundsRequestsNameTheFieldAndRange) {
  struct Case {
    LimitRequest request;
    const char* field;
  };
  std::vector<Case> cases(8);
  cases[0].request.timeout_seconds = 0, cases[0].field = "timeout";
  cases[1].request.timeout_seconds = 86401, cases[1].field = "timeout";
  cases[2].request.memory_bytes = 1 << 20, cases[2].field = "memory";
  cases[3].request.memory_bytes = int64_t{65} << 30, cases[3].field = "memory";
  cases[4].request.pids = 7, cases[4].field = "pids";
  cases[5].request.pids = -1, cases[5].field = "pids";
  cases[6].request.cpus = 0.0, cases[6].field = "cpus";
  cases[7].request.cpus = 65, cases[7].field = "cpus";
  for (const Case& c : cases) {
    auto grant = default_grant(c.request);
    ASSERT_FALSE(grant.is_ok()) << c.field;
    EXPECT_EQ(grant.status().code(), Code::kInvalidArgument);
    EXPECT_EQ(grant.status().message().rfind(c.field, 0), 0u) << grant.status().message();
  }
}

TEST(GrantForTier, TheTierIsTheCeilingOfWhatARunGets) {
  LimitRequest asked;
  asked.timeout_seconds = 3600;
  asked.memory_bytes = int64_t{8} << 30;
  std::string clamped;
  auto observe = grant_for_tier(Tier::kObserve, asked, &clamped);
  ASSERT_TRUE(observe.is_ok());
  EXPECT_EQ(observe->limits.timeout, std::chrono::minutes(10));
  EXPECT_EQ(observe->limits.memory_bytes, int64_t{1} << 30);
  EXPECT_EQ(clamped, "timeout, memory");
  auto autonomous = grant_for_tier(Tier::kAutonomous, asked, &clamped);
  EXPECT_EQ(autonomous->limits.timeout, std::chrono::minutes(60));
  EXPECT_EQ(clamped, "memory");
  EXPECT_FALSE(observe->network);
  EXPECT_TRUE(autonomous->network) << "above observe, the owner's allowlist is reachable";
  asked.pids = 1;  // out of bounds: refused, not clamped
  EXPECT_FALSE(grant_for_tier(Tier::kAutonomous, asked).is_ok());
  for (Tier tier : {Tier::kObserve, Tier::kSupervised, Tier::kTrusted}) {
    Tier next = static_cast<Tier>(static_cast<int>(tier) + 1);
    EXPECT_LE(tier_ceiling(tier).timeout, tier_ceiling(next).timeout);
    EXPECT_LE(tier_ceiling(tier).memory_bytes, tier_ceiling(next).memory_bytes);
  }
}

}  // namespace
}  // namespace corral::routing
