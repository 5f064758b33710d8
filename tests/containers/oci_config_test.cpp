#include "containers/oci_config.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>

#include "containers/seccomp_profile.h"

namespace corral::containers {
namespace {

using json = nlohmann::json;

class OciConfigTest : public ::testing::Test {
 protected:
  void SetUp() override {
    spec_.name = "corral-r-test";
    spec_.argv = {"/bin/sh", "-c", "true"};
    spec_.env = {"PATH=/usr/bin", "HOME=/home/agent"};
    spec_.workspace_host_path = "/data/worktrees/r-test";
    spec_.supervisor_host_path = "/opt/corral/corral-supervisor";
    spec_.read_only_mounts = {{"/opt/agent", "/opt/agent"}};
    spec_.limits = {int64_t{256} << 20, 64, 0.5};
    spec_.labels = {{"corral.run", "r-test"}};
    config_ = oci_config(spec_, {"/etc/ld.so.cache"}, "/corral", "/data/sandboxes/.rootfs");
  }

  const json* mount_at(const std::string& destination) const {
    for (const json& mount : config_["mounts"]) {
      if (mount["destination"] == destination) return &mount;
    }
    return nullptr;
  }

  static bool has(const json& list, const std::string& value) {
    return std::find(list.begin(), list.end(), value) != list.end();
  }

  SandboxSpec spec_;
  json config_;
};

TEST_F(OciConfigTest, DropsEveryCapabilityAndForbidsNewPrivileges) {
  const json& process = config_["process"];
  for (const char* set : {"bounding", "effective", "inheritable", "permitted", "ambient"}) {
    EXPECT_TRUE(process["capabilities"][set].empty()) << set;
  }
  EXPECT_TRUE(process["noNewPrivileges"].get<bool>());
  EXPECT_EQ(process["user"]["uid"], kSandboxUid);
  EXPECT_NE(process["user"]["uid"], 0);
}

TEST_F(OciConfigTest, RunsTheAgentUnderTheSupervisorInTheWorkspace) {
  const json& process = config_["process"];
  EXPECT_EQ(process["args"], json({"/.corral/supervisor", "--", "/bin/sh", "-c", "true"}));
  EXPECT_EQ(process["cwd"], "/workspace");
  EXPECT_EQ(process["env"], json(spec_.env));
  EXPECT_FALSE(process["terminal"].get<bool>());
}

TEST_F(OciConfigTest, RootIsReadOnlyAndTheWorktreeIsTheOnlyWritableHostPath) {
  EXPECT_TRUE(config_["root"]["readonly"].get<bool>());
  EXPECT_EQ(config_["root"]["path"], "/data/sandboxes/.rootfs");
  for (const json& mount : config_["mounts"]) {
    if (mount["type"] != "bind") continue;
    bool writable = !has(mount["options"], "ro");
    EXPECT_EQ(writable, mount["destination"] == "/workspace") << mount.dump();
    EXPECT_TRUE(has(mount["options"], "nosuid")) << mount.dump();
  }
  ASSERT_NE(mount_at("/workspace"), nullptr);
  EXPECT_EQ((*mount_at("/workspace"))["source"], "/data/worktrees/r-test");
  ASSERT_NE(mount_at("/opt/agent"), nullptr);
  ASSERT_NE(mount_at("/usr"), nullptr);
}

TEST_F(OciConfigTest, NeverMountsHostSecretsOrHomes) {
  for (const json& mount : config_["mounts"]) {
    std::string source = mount["source"];
    for (const char* secret : {"/root", "/home", "/etc/shadow", "/etc/passwd", "/var/run/docker.sock"}) {
      EXPECT_NE(source.rfind(secret, 0), 0u) << source;
    }
  }
}

TEST_F(OciConfigTest, ScratchSpaceIsTmpfs) {
  for (const char* path : {"/tmp", "/var/tmp", "/run", "/home/agent"}) {
    ASSERT_NE(mount_at(path), nullptr) << path;
    EXPECT_EQ((*mount_at(path))["type"], "tmpfs") << path;
  }
  EXPECT_TRUE(has((*mount_at("/home/agent"))["options"], "uid=10001"));
}

TEST_F(OciConfigTest, IsolatesNetworkAndProcesses) {
  std::vector<std::string> types;
  for (const json& ns : config_["linux"]["namespaces"]) types.push_back(ns["type"]);
  for (const char* wanted : {"pid", "network", "ipc", "uts", "mount", "cgroup"}) {
    EXPECT_NE(std::find(types.begin(), types.end(), wanted), types.end()) << wanted;
  }
  for (const json& ns : config_["linux"]["namespaces"])
    EXPECT_FALSE(ns.contains("path")) << "never joins a host namespace";
}

TEST_F(OciConfigTest, LimitsMemoryPidsAndCpu) {
  const json& resources = config_["linux"]["resources"];
  EXPECT_EQ(resources["memory"]["limit"], int64_t{256} << 20);
  EXPECT_EQ(resources["memory"]["swap"], int64_t{256} << 20);
  EXPECT_EQ(resources["pids"]["limit"], 64);
  EXPECT_EQ(resources["cpu"]["quota"], 50000);
  EXPECT_EQ(resources["cpu"]["period"], 100000);
  EXPECT_EQ(config_["linux"]["cgroupsPath"], "/corral/corral-r-test");
}

TEST_F(OciConfigTest, MasksKernelInterfaces) {
  const json& linux_section = config_["linux"];
  for (const char* path : {"/proc/kcore", "/proc/keys", "/sys/firmware"}) {
    EXPECT_TRUE(has(linux_section["maskedPaths"], path)) << path;
  }
  for (const char* path : {"/proc/sys", "/proc/sysrq-trigger"}) {
    EXPECT_TRUE(has(linux_section["readonlyPaths"], path)) << path;
  }
  EXPECT_TRUE(has((*mount_at("/sys"))["options"], "ro"));
}

TEST_F(OciConfigTest, SeccompDeniesTheDangerousCalls) {
  const json& seccomp = config_["linux"]["seccomp"];
  std::vector<std::string> denied;
  for (const json& rule : seccomp["syscalls"]) {
    if (rule["action"] == "SCMP_ACT_ERRNO" && !rule.contains("args")) {
      for (const json& name : rule["names"]) denied.push_back(name);
    }
  }
  for (const char* call : {"mount", "umount2", "unshare", "setns", "ptrace", "bpf", "kexec_load", "keyctl", "add_key",
                           "init_module", "pivot_root", "open_by_handle_at", "clone3"}) {
    EXPECT_NE(std::find(denied.begin(), denied.end(), call), denied.end()) << call;
  }
  int clone_rules = 0;
  for (const json& rule : seccomp["syscalls"]) {
    if (rule["names"] == json({"clone"})) ++clone_rules;
  }
  EXPECT_EQ(clone_rules, 7) << "one rule per namespace flag";
}

TEST_F(OciConfigTest, LabelsBecomeAnnotations) { EXPECT_EQ(config_["annotations"]["corral.run"], "r-test"); }

}  // namespace
}  // namespace corral::containers
