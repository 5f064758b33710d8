#include "containers/oci_bundle.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <thread>
#include <vector>

#include "tests/support/test_support.h"

namespace corral::containers {
namespace {

namespace fs = std::filesystem;

SandboxSpec spec_named(const std::string& name) {
  SandboxSpec spec;
  spec.name = name;
  spec.argv = {"/bin/sh", "-c", "true"};
  spec.workspace_host_path = "/tmp";
  spec.supervisor_host_path = "/bin/true";
  return spec;
}

TEST(OciBundle, BundlesShareOneCompleteSkeletonEvenWhenMadeAtOnce) {
  testing::TempDir dir;
  std::vector<std::thread> threads;
  std::vector<Status> results(16);
  for (int i = 0; i < 16; ++i) {
    threads.emplace_back([&, i] {
      results[i] = write_bundle(dir / ("b" + std::to_string(i)), spec_named("b" + std::to_string(i)), "/corral-test");
    });
  }
  for (auto& thread : threads) thread.join();
  for (const Status& result : results) EXPECT_TRUE(result.is_ok()) << result.to_string();
  fs::path rootfs = fs::path(dir.path()) / ".rootfs";
  EXPECT_TRUE(fs::exists(rootfs / "etc/passwd"));
  EXPECT_EQ(fs::is_symlink(rootfs / "bin"), fs::is_symlink("/bin"));
  int entries = 0;
  for (const auto& entry : fs::directory_iterator(dir.path())) {
    ++entries;
    EXPECT_EQ(entry.path().filename().string().find(".building"), std::string::npos) << "no half-built skeleton left";
  }
  EXPECT_EQ(entries, 17);
  EXPECT_NE(testing::read_file(dir / "b3/config.json").find(rootfs.string()), std::string::npos);
}

TEST(OciBundle, ABundleIsNeverWrittenTwice) {
  testing::TempDir dir;
  ASSERT_TRUE(write_bundle(dir / "b", spec_named("b"), "/corral-test").is_ok());
  EXPECT_EQ(write_bundle(dir / "b", spec_named("b"), "/corral-test").code(), Code::kAlreadyExists);
  ASSERT_TRUE(remove_bundle(dir / "b").is_ok());
  EXPECT_TRUE(fs::exists(fs::path(dir.path()) / ".rootfs")) << "the shared skeleton stays";
  EXPECT_TRUE(is_shared_rootfs(".rootfs"));
  EXPECT_FALSE(is_shared_rootfs("corral-r-1"));
}

}  // namespace
}  // namespace corral::containers
