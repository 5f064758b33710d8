#include "containers/seccomp_profile.h"

#include <linux/sched.h>

#include <nlohmann/json.hpp>

namespace corral::containers {
namespace {

constexpr int kEperm = 1;
constexpr int kEnosys = 38;

// Namespace-creating clone flags: clone() with any of them fails, so no user
// namespace (and with it no fresh capability set) can be made inside.
constexpr unsigned long kNamespaceFlags[] = {CLONE_NEWNS,   CLONE_NEWCGROUP, CLONE_NEWUTS, CLONE_NEWIPC,
                                             CLONE_NEWUSER, CLONE_NEWPID,    CLONE_NEWNET};

nlohmann::json deny(const std::vector<std::string>& names, int errno_value) {
  return {{"names", names}, {"action", "SCMP_ACT_ERRNO"}, {"errnoRet", errno_value}};
}

}  // namespace

const std::vector<std::string>& denied_syscalls() {
  static const std::vector<std::string> kDenied = {
      // filesystems and namespaces: escapes start here
      "mount",
      "umount",
      "umount2",
      "pivot_root",
      "chroot",
      "unshare",
      "setns",
      "open_tree",
      "move_mount",
      "fsopen",
      "fsconfig",
      "fsmount",
      "fspick",
      "mount_setattr",
      // other processes and the kernel
      "ptrace",
      "process_vm_readv",
      "process_vm_writev",
      "kcmp",
      "bpf",
      "perf_event_open",
      "userfaultfd",
      "kexec_load",
      "kexec_file_load",
      "init_module",
      "finit_module",
      "delete_module",
      "reboot",
      "swapon",
      "swapoff",
      "acct",
      "syslog",
      "lookup_dcookie",
      "quotactl",
      "quotactl_fd",
      "nfsservctl",
      "iopl",
      "ioperm",
      "vhangup",
      // keys and handles to files outside the sandbox's view
      "keyctl",
      "add_key",
      "request_key",
      "open_by_handle_at",
      "name_to_handle_at",
      // the clock is the host's
      "settimeofday",
      "clock_settime",
      "clock_adjtime",
      "adjtimex",
      "stime",
      // old or exotic interfaces with a history of kernel bugs
      "uselib",
      "_sysctl",
      "ustat",
      "sysfs",
      "vm86",
      "vm86old",
  };
  return kDenied;
}

nlohmann::json seccomp_profile() {
  auto syscalls = nlohmann::json::array();
  syscalls.push_back(deny(denied_syscalls(), kEperm));
  // clone3 passes its flags in memory seccomp cannot read: make it look absent
  // so libc falls back to clone, whose flags the rules below can check.
  syscalls.push_back(deny({"clone3"}, kEnosys));
  for (unsigned long flag : kNamespaceFlags) {
    syscalls.push_back({{"names", {"clone"}},
                        {"action", "SCMP_ACT_ERRNO"},
                        {"errnoRet", kEperm},
                        {"args", {{{"index", 0}, {"value", flag}, {"valueTwo", flag}, {"op", "SCMP_CMP_MASKED_EQ"}}}}});
  }
  return {{"defaultAction", "SCMP_ACT_ALLOW"},
          {"architectures", {"SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"}},
          {"syscalls", std::move(syscalls)}};
}

}  // namespace corral::containers
