#include "core/file_lock.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/support/test_support.h"

namespace corral {
namespace {

TEST(FileLock, SecondHolderIsRefusedUntilTheFirstLetsGo) {
  testing::TempDir dir;
  std::string path = dir / "run.lock";
  {
    auto first = FileLock::acquire(path);
    ASSERT_TRUE(first.is_ok());
    EXPECT_TRUE(first->held());
    auto second = FileLock::try_acquire(path);
    ASSERT_TRUE(second.is_ok());
    EXPECT_FALSE(second->held());
  }
  auto third = FileLock::try_acquire(path);
  ASSERT_TRUE(third.is_ok());
  EXPECT_TRUE(third->held());
}

TEST(FileLock, IsReleasedWhenTheHolderIsKilled) {
  testing::TempDir dir;
  std::string path = dir / "run.lock";
  int ready[2];
  ASSERT_EQ(::pipe(ready), 0);
  pid_t child = ::fork();
  if (child == 0) {
    auto lock = FileLock::acquire(path);
    char byte = 1;
    (void)!::write(ready[1], &byte, 1);
    ::pause();
    ::_exit(0);
  }
  char byte;
  ASSERT_EQ(::read(ready[0], &byte, 1), 1);
  EXPECT_FALSE(FileLock::try_acquire(path)->held());
  ::kill(child, SIGKILL);
  ::waitpid(child, nullptr, 0);
  EXPECT_TRUE(FileLock::try_acquire(path)->held());
  ::close(ready[0]);
  ::close(ready[1]);
}

TEST(FileLock, MissingDirectoryIsAnError) {
  auto lock = FileLock::acquire("/nonexistent-dir-for-corral-test/x.lock");
  ASSERT_FALSE(lock.is_ok());
  EXPECT_EQ(lock.status().code(), Code::kNotFound);
}

}  // namespace
}  // namespace corral
