#include "core/byte_size.h"

#include <gtest/gtest.h>

namespace corral {
namespace {

TEST(ByteSize, ParsesBinaryUnits) {
  EXPECT_EQ(*parse_byte_size("1048576"), 1048576);
  EXPECT_EQ(*parse_byte_size("64k"), 64 * 1024);
  EXPECT_EQ(*parse_byte_size("512m"), int64_t{512} << 20);
  EXPECT_EQ(*parse_byte_size("2G"), int64_t{2} << 30);
}

TEST(ByteSize, RejectsWhatIsNotASize) {
  for (const char* text : {"", "m", "-5m", "5 m", "5mb", "1.5g", "5t", "99999999999999999g", "0x10"}) {
    auto size = parse_byte_size(text);
    EXPECT_FALSE(size.is_ok()) << text;
  }
}

}  // namespace
}  // namespace corral
