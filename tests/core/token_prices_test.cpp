#include "core/token_prices.h"

#include <gtest/gtest.h>

namespace corral {
namespace {

TEST(TokenPrices, TwoToFourNumbersInDollarsPerMillionTokens) {
  auto two = parse_token_prices("3/15");
  ASSERT_TRUE(two.is_ok()) << two.status().message();
  EXPECT_DOUBLE_EQ(two->input, 3);
  EXPECT_DOUBLE_EQ(two->output, 15);
  EXPECT_DOUBLE_EQ(two->cache_read, 3) << "cache tokens cost as input unless given";
  EXPECT_DOUBLE_EQ(two->cache_write, 3);
  auto four = parse_token_prices("3/15/0.3/3.75");
  ASSERT_TRUE(four.is_ok());
  EXPECT_DOUBLE_EQ(four->cache_read, 0.3);
  EXPECT_DOUBLE_EQ(four->cache_write, 3.75);
  // 1,000 input, 2,000 output, 10,000 cache reads, 100 cache writes.
  EXPECT_NEAR(four->cost_usd(1000, 2000, 10000, 100), (3000 + 30000 + 3000 + 375) / 1e6, 1e-12);
}

TEST(TokenPrices, AnythingElseIsRefusedSayingTheForm) {
  for (const char* bad : {"", "3", "3/", "/3", "3//15", "3/15/1/1/1", "-1/2", "three/15", "3/15 ", "1e3/2", "2000000/1",
                          "nan/1", "3,5/1"}) {
    auto parsed = parse_token_prices(bad);
    ASSERT_FALSE(parsed.is_ok()) << "'" << bad << "'";
    EXPECT_NE(parsed.status().message().find("IN/OUT"), std::string::npos) << bad;
  }
}

}  // namespace
}  // namespace corral
