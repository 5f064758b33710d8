// The fault-injection suite: a real daemon pushed past what its machine
// gives it, each test saying what it tried. What must hold: the daemon
// neither spins nor stops answering, and it comes back when the fault goes.
#include <sys/socket.h>
#include <sys/un.h>

#include <fstream>
#include <sstream>

#include "tests/e2e/daemon_fixture.h"

namespace corral::e2e {
namespace {

// The CPU time (user + system) the process has used, in clock ticks.
long cpu_ticks(pid_t pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(stat)), {});
  std::istringstream fields(text.substr(text.rfind(')') + 2));  // after "pid (comm) "
  std::string field;
  long utime = 0, stime = 0;
  for (int i = 3; fields >> field; ++i) {
    if (i == 14) utime = std::stol(field);
    if (i == 15) {
      stime = std::stol(field);
      break;
    }
  }
  return utime + stime;
}

int open_fds(pid_t pid) {
  return static_cast<int>(std::distance(std::filesystem::directory_iterator("/proc/" + std::to_string(pid) + "/fd"),
                                        std::filesystem::directory_iterator()));
}

int connect_unix(const std::string& path) {
  int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  std::snprintf(address.sun_path, sizeof address.sun_path, "%s", path.c_str());
  if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

using FaultInjection = DaemonE2E;

TEST_F(FaultInjection, OutOfFileDescriptorsTheDaemonPausesInsteadOfSpinning) {
  int in_use = open_fds(pid_);
  int limit = in_use + 4;
  std::printf("tried: the daemon's soft descriptor limit lowered to %d (%d in use), then 40 idle connections\n", limit,
              in_use);
  sh_ok("prlimit --pid " + std::to_string(pid_) + " --nofile=" + std::to_string(limit) + ":");
  std::vector<int> idle;
  for (int i = 0; i < 40; ++i) {
    int fd = connect_unix(socket());
    if (fd >= 0) idle.push_back(fd);
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(500));  // the daemon runs out of descriptors
  long before = cpu_ticks(pid_);
  std::this_thread::sleep_for(std::chrono::seconds(2));
  long used = cpu_ticks(pid_) - before;
  long per_second = ::sysconf(_SC_CLK_TCK);
  std::printf("the daemon used %ld of %ld possible CPU ticks in 2 s without descriptors\n", used, 2 * per_second);
  EXPECT_LT(used, per_second / 2) << "a busy accept loop uses a whole core";
  std::string log = testing::read_file(dir_ / "serve.log");
  size_t warned = 0;
  for (size_t at = log.find("accepting a connection failed"); at != std::string::npos;
       at = log.find("accepting a connection failed", at + 1)) {
    ++warned;
  }
  EXPECT_EQ(warned, 1u) << "logged once, not per try:\n" << log;

  for (int fd : idle) ::close(fd);
  sh_ok("prlimit --pid " + std::to_string(pid_) + " --nofile=1024:");
  EXPECT_TRUE(testing::wait_for([&] { return curl("/v1/health").find("\"ok\":true") != std::string::npos; },
                                std::chrono::seconds(10)))
      << "it answers again once descriptors are free";
}

}  // namespace
}  // namespace corral::e2e
