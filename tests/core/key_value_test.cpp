#include "core/key_value.h"

#include <gtest/gtest.h>

namespace corral {
namespace {

TEST(KeyValue, SplitsAtTheFirstEqualsAndNeedsAKey) {
  auto pair = split_key_value("model_providers=a=b");
  ASSERT_TRUE(pair);
  EXPECT_EQ(pair->key, "model_providers");
  EXPECT_EQ(pair->value, "a=b");
  EXPECT_EQ(split_key_value("key=")->value, "");
  EXPECT_FALSE(split_key_value("=value"));
  EXPECT_FALSE(split_key_value("no-equals"));
}

TEST(KeyValue, WholeNumbersOnly) {
  EXPECT_EQ(parse_whole_number("8443"), 8443);
  EXPECT_EQ(parse_whole_number("-1"), -1);
  for (const char* bad : {"", "12x", "x12", " 12", "1.5", "99999999999999999999", "+3"}) {
    EXPECT_FALSE(parse_whole_number(bad)) << bad;
  }
}

}  // namespace
}  // namespace corral
