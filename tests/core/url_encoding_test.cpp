#include "core/url_encoding.h"

#include <gtest/gtest.h>

#include <vector>

namespace corral {
namespace {

TEST(UrlEncoding, KeepsUnreservedAndEncodesTheRest) {
  EXPECT_EQ(percent_encode("abc-_.~XYZ019"), "abc-_.~XYZ019");
  EXPECT_EQ(percent_encode("{\"label\":[\"a=b\"]}"), "%7B%22label%22%3A%5B%22a%3Db%22%5D%7D");
  EXPECT_EQ(percent_encode("img/name:tag"), "img%2Fname%3Atag");
}

TEST(UrlEncoding, DecodesWhatWasEncodedAndKeepsStrayPercents) {
  for (const std::string& text : std::vector<std::string>{"plain", "a b&c=d/é", "100%", "%zz", std::string("\0x", 2)}) {
    EXPECT_EQ(percent_decode(percent_encode(text)), text);
  }
  EXPECT_EQ(percent_decode("a+b%20c"), "a b c");
  EXPECT_EQ(percent_decode("100%"), "100%");
  EXPECT_EQ(percent_decode("%zz%4"), "%zz%4");
}

}  // namespace
}  // namespace corral
