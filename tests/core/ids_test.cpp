#include "core/ids.h"

#include <gtest/gtest.h>

#include <set>

namespace corral {
namespace {

TEST(Ids, NewIdsAreValidAndUnique) {
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    std::string id = new_id("t");
    EXPECT_TRUE(is_valid_id(id, "t")) << id;
    EXPECT_TRUE(seen.insert(id).second) << "duplicate " << id;
  }
}

TEST(Ids, SortByCreationTime) {
  std::string first = new_id("r");
  std::string later;
  do {
    later = new_id("r");
  } while (later.substr(0, 12) == first.substr(0, 12));  // next millisecond
  EXPECT_LT(first, later);
}

TEST(Ids, RejectsAnythingThatCouldEscapeAPathOrRef) {
  std::string good = new_id("t");
  EXPECT_FALSE(is_valid_id(good, "r"));
  EXPECT_FALSE(is_valid_id("t-../../etc/passw", "t"));
  EXPECT_FALSE(is_valid_id("t-01m85y13j2cdy3daw/", "t"));
  EXPECT_FALSE(is_valid_id("", "t"));
  EXPECT_FALSE(is_valid_id(good + "x", "t"));
  std::string upper = good;
  upper[5] = 'A';
  EXPECT_FALSE(is_valid_id(upper, "t"));
}

}  // namespace
}  // namespace corral
