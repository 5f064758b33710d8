#include "policy/mount_rules.h"

#include <gtest/gtest.h>

namespace corral::policy {
namespace {

struct HostCase {
  const char* path;
  bool allowed;
};

TEST(MountRules, HostPaths) {
  const HostCase cases[] = {
      {"/opt/agents/claude", true},
      {"/srv/tools", true},
      {"/usr/local/lib/node_modules", true},
      {"/rootfs-copy", true},  // a sibling of /root, not inside it
      {"/homework", true},     // a sibling of /home
      {"/root", false},
      {"/root/.ssh", false},
      {"/home/alice/.aws", false},
      {"/etc", false},
      {"/etc/shadow", false},
      {"/proc/1/root", false},
      {"/sys/fs/cgroup", false},
      {"/dev/sda", false},
      {"/run/docker.sock", false},
      {"/var/run/docker.sock", false},
      {"/var/lib/docker/overlay2", false},
      {"/data/corral", false},  // the data directory
      {"/data/corral/mirrors/x.git", false},
      {"/data", false},  // contains the data directory
      {"/", false},      // contains everything
      {"relative/path", false},
      {"/opt/../root", false},  // not normalised: the caller must resolve first
      {"/opt/./x", false},
      {"/opt/x/", false},
  };
  auto forbidden = forbidden_host_paths("/data/corral");
  for (const HostCase& c : cases) {
    EXPECT_EQ(check_host_mount(c.path, forbidden).is_ok(), c.allowed) << c.path;
  }
}

TEST(MountRules, RefusalNamesTheRule) {
  Status status = check_host_mount("/root/.ssh", forbidden_host_paths("/d"));
  EXPECT_EQ(status.code(), Code::kPermissionDenied);
  EXPECT_NE(status.message().find("inside /root"), std::string::npos);
}

struct TargetCase {
  const char* path;
  bool allowed;
};

TEST(MountRules, SandboxTargets) {
  const TargetCase cases[] = {
      {"/opt/agent", true},
      {"/tools", true},
      {"/mnt/cache", true},
      {"/", false},
      {"/workspace", false},
      {"/workspace/x", false},
      {"/proc", false},
      {"/dev/shm", false},
      {"/etc/passwd", false},
      {"/tmp/x", false},
      {"/home/agent", false},
      {"/home", false},
      {"/.corral/supervisor", false},
      {"/usr/bin", false},
      {"/bin", false},
      {"relative", false},
      {"/opt/../etc", false},
      {"", false},
  };
  for (const TargetCase& c : cases) {
    EXPECT_EQ(check_sandbox_target(c.path).is_ok(), c.allowed) << c.path;
  }
}

}  // namespace
}  // namespace corral::policy
