#include "core/status.h"

#include <gtest/gtest.h>

#include <cerrno>

namespace corral {
namespace {

TEST(Status, DefaultIsOk) {
  Status status;
  EXPECT_TRUE(status.is_ok());
  EXPECT_EQ(status.to_string(), "ok");
}

TEST(Status, CarriesCodeAndMessage) {
  Status status = Status::invalid_argument("bad base");
  EXPECT_FALSE(status.is_ok());
  EXPECT_EQ(status.code(), Code::kInvalidArgument);
  EXPECT_EQ(status.to_string(), "invalid_argument: bad base");
}

TEST(Status, ContextPrefixesTheMessageAndKeepsTheCode) {
  Status status = Status::not_found("no such file").with_context("opening config");
  EXPECT_EQ(status.code(), Code::kNotFound);
  EXPECT_EQ(status.message(), "opening config: no such file");
  EXPECT_TRUE(Status::ok().with_context("anything").is_ok());
}

TEST(Status, ErrnoMapsToStableCodes) {
  EXPECT_EQ(Status::from_errno(EACCES, "x").code(), Code::kPermissionDenied);
  EXPECT_EQ(Status::from_errno(EROFS, "x").code(), Code::kPermissionDenied);
  EXPECT_EQ(Status::from_errno(ENOENT, "x").code(), Code::kNotFound);
  EXPECT_EQ(Status::from_errno(ENOTDIR, "x").code(), Code::kInvalidArgument);
  EXPECT_EQ(Status::from_errno(EIO, "x").code(), Code::kIo);
  EXPECT_NE(Status::from_errno(EACCES, "opening db").message().find("opening db: "), std::string::npos);
}

TEST(Result, HoldsAValueOrAnError) {
  Result<int> value = 7;
  ASSERT_TRUE(value.is_ok());
  EXPECT_EQ(*value, 7);
  EXPECT_TRUE(value.status().is_ok());
  Result<int> error = Status::timeout("too slow");
  ASSERT_FALSE(error.is_ok());
  EXPECT_EQ(error.status().code(), Code::kTimeout);
}

Result<int> doubled(Result<int> input, int* reached_end) {
  CORRAL_ASSIGN_OR_RETURN(int value, std::move(input));
  *reached_end = 1;
  return value * 2;
}

TEST(Result, AssignOrReturnTakesTheValueOrPassesTheErrorOn) {
  int reached_end = 0;
  EXPECT_EQ(*doubled(21, &reached_end), 42);
  EXPECT_EQ(reached_end, 1);
  reached_end = 0;
  Result<int> failed = doubled(Status::not_found("no such thing"), &reached_end);
  ASSERT_FALSE(failed.is_ok());
  EXPECT_EQ(failed.status().code(), Code::kNotFound);
  EXPECT_EQ(failed.status().message(), "no such thing");
  EXPECT_EQ(reached_end, 0) << "returned before the rest of the function";
}

}  // namespace
}  // namespace corral
