// The fault-injection suite: a real daemon pushed past what its machine
// gives it, each test saying what it tried. What must hold: the daemon
// neither spins nor stops answering nor grows without bound, it comes back
// when the fault goes, and nothing acknowledged is lost or done twice.
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <sstream>

#include "tests/e2e/commit_fixture.h"

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

// How many times `text` occurs in `log`.
size_t occurrences(const std::string& log, const std::string& text) {
  size_t count = 0;
  for (size_t at = log.find(text); at != std::string::npos; at = log.find(text, at + 1)) ++count;
  return count;
}

// A daemon of the fault suite: DaemonE2E and what its tests check after a fault.
class FaultDaemon : public DaemonE2E {
 protected:
  // Waits for each task to end its run (in review or failed); how many ended
  // each way, and "runs": how many runs they took in all.
  std::map<std::string, int> settle(const std::vector<std::string>& tasks) {
    std::map<std::string, int> ended;
    for (const std::string& task : tasks) {
      std::string state;
      testing::wait_for(
          [&] {
            state = local("GET", "/v1/tasks/" + task).value("state", "");
            return state == "review" || state == "failed";
          },
          std::chrono::seconds(120));
      ++ended[state];
      EXPECT_TRUE(state == "review" || state == "failed") << task << " is still " << state;
      ended["runs"] += static_cast<int>(local("GET", "/v1/tasks/" + task)["runs"].size());
    }
    return ended;
  }

  void expect_chain_intact_and_no_run_lock() {
    auto audit = corral("audit verify --json");
    EXPECT_EQ(audit.exit_code, 0) << audit.out << audit.err;
    EXPECT_TRUE(
        testing::wait_for([&] { return sh("ls " + quote(data() + "/runs")).out.find(".lock") == std::string::npos; },
                          std::chrono::seconds(10)))
        << "no run lock outlives its run: " << sh("ls -la " + quote(data() + "/runs")).out;
  }
};

using FaultInjection = FaultDaemon;

bool closed_by_peer(int fd, std::chrono::milliseconds wait);

TEST_F(FaultInjection, OutOfFileDescriptorsTheDaemonPausesAndShedsIdleConnectionsInsteadOfSpinning) {
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
  size_t warned = occurrences(log, "accepting a connection failed");
  EXPECT_EQ(warned, 1u) << "logged once, not per try:\n" << log;
  EXPECT_TRUE(testing::wait_for([&] { return curl("/v1/health").find("\"ok\":true") != std::string::npos; },
                                std::chrono::seconds(10)))
      << "idle connections are closed to let a new client in, the limit still low";
  int shed = 0;
  for (int fd : idle) shed += closed_by_peer(fd, std::chrono::milliseconds(1));
  std::printf("%d of the %zu idle connections closed by the daemon to take new ones\n", shed, idle.size());
  EXPECT_GT(shed, 0);

  for (int fd : idle) ::close(fd);
  sh_ok("prlimit --pid " + std::to_string(pid_) + " --nofile=1024:");
  EXPECT_TRUE(testing::wait_for([&] { return curl("/v1/health").find("\"ok\":true") != std::string::npos; },
                                std::chrono::seconds(10)))
      << "it answers again once descriptors are free";
}

// The first line of the answer to a request sent on `fd` ("" if none came).
std::string status_line(int fd, const std::string& request) {
  if (::write(fd, request.data(), request.size()) != static_cast<ssize_t>(request.size())) return "";
  std::string line;
  char c = 0;
  while (line.size() < 200 && ::read(fd, &c, 1) == 1 && c != '\n') line += c;
  return line;
}

TEST_F(FaultInjection, EventStreamsAreCappedPerCallerAndTheyNeverStallHealth) {
  std::printf("tried: 20 event streams from one caller that never read what they are sent\n");
  std::vector<int> streams;
  std::vector<std::string> answers;
  for (int i = 0; i < 20; ++i) {
    int fd = connect_unix(socket());
    ASSERT_GE(fd, 0);
    streams.push_back(fd);
    answers.push_back(status_line(fd, "GET /v1/events?follow=1 HTTP/1.1\r\nHost: corral\r\n\r\n"));
  }
  int open = 0, refused = 0;
  for (const std::string& answer : answers) {
    open += answer.rfind("HTTP/1.1 200", 0) == 0;
    refused += answer.rfind("HTTP/1.1 429", 0) == 0;
  }
  std::printf("%d streams opened, %d refused with 429\n", open, refused);
  EXPECT_EQ(open, 16);
  EXPECT_EQ(refused, 4);
  EXPECT_NE(curl("/v1/health").find("\"ok\":true"), std::string::npos) << "health answers meanwhile";
  for (int fd : streams) ::close(fd);
  EXPECT_TRUE(testing::wait_for(
      [&] {
        int fd = connect_unix(socket());
        std::string answer = status_line(fd, "GET /v1/events?follow=1 HTTP/1.1\r\nHost: corral\r\n\r\n");
        ::close(fd);
        return answer.rfind("HTTP/1.1 200", 0) == 0;
      },
      std::chrono::seconds(10)))
      << "closed streams give their slots back";
}

// Whether the daemon closed `fd` (read returns end of file within `wait`).
bool closed_by_peer(int fd, std::chrono::milliseconds wait) {
  timeval timeout{0, static_cast<suseconds_t>(wait.count() * 1000)};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  char byte = 0;
  return ::read(fd, &byte, 1) == 0;
}

TEST_F(FaultInjection, ConnectionsBeyondTheCapAreClosedAndTheDaemonRecovers) {
  stop_daemon(SIGTERM);
  start_daemon("--max-connections 6");
  ASSERT_TRUE(ready_);
  std::printf("tried: 10 idle connections to a daemon that takes at most 6\n");
  std::vector<int> idle;
  for (int i = 0; i < 10; ++i) idle.push_back(connect_unix(socket()));
  int closed = 0;
  for (int fd : idle) closed += closed_by_peer(fd, std::chrono::milliseconds(300));
  std::printf("%d of 10 closed at once by the daemon\n", closed);
  EXPECT_GE(closed, 4) << "at most 6 are kept";
  EXPECT_LE(closed, 5) << "and those it takes stay open (one may be the fixture's last request, still ending)";
  for (int fd : idle) ::close(fd);
  EXPECT_TRUE(testing::wait_for([&] { return curl("/v1/health").find("\"ok\":true") != std::string::npos; },
                                std::chrono::seconds(10)))
      << "it takes connections again once some end";
  std::string log = testing::read_file(dir_ / "serve.log");
  EXPECT_NE(log.find("6 connections are open, the most allowed"), std::string::npos) << log;
}

// An upstream that takes connections and never answers: every worker waits
// on it, and /v1/health still answers at once.
TEST_F(FaultInjection, HealthAnswersWhileEveryWorkerWaitsOnAStalledUpstream) {
  int listener = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  ASSERT_EQ(::bind(listener, reinterpret_cast<sockaddr*>(&address), length), 0);
  ASSERT_EQ(::listen(listener, 16), 0);  // never accepted: connections wait in the backlog
  ::getsockname(listener, reinterpret_cast<sockaddr*>(&address), &length);
  std::string upstream = "http://127.0.0.1:" + std::to_string(ntohs(address.sin_port)) + "/stalled.git";
  std::string repo_id = local("GET", "/v1/repos")["repos"][0]["id"];
  ASSERT_EQ(local("PATCH", "/v1/repos/" + repo_id + "/settings", nlohmann::json{{"upstream", upstream}}.dump())
                .value("id", ""),
            repo_id);
  std::printf("tried: 6 owners' branch moves against an upstream that never answers (4 workers), then /v1/health\n");
  std::string head = git("rev-parse HEAD");
  std::string move = nlohmann::json{{"branch", "main"}, {"commit", head}}.dump();
  for (int i = 0; i < 6; ++i) {
    sh("curl -s --max-time 60 --unix-socket " + quote(socket()) +
       " -X POST -H 'Content-Type: application/json' "
       "--data-binary " +
       quote(move) + " http://corral/v1/repos/" + repo_id + "/branches >/dev/null 2>&1 &");
  }
  std::this_thread::sleep_for(std::chrono::seconds(1));  // the workers are all waiting by now
  std::vector<double> ms;
  for (int i = 0; i < 20; ++i) {
    auto start = std::chrono::steady_clock::now();
    std::string answer = curl("/v1/health");
    ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
    EXPECT_NE(answer.find("\"ok\":true"), std::string::npos) << "try " << i;
  }
  std::sort(ms.begin(), ms.end());
  std::printf("/v1/health with every worker busy: median %.1f ms, slowest %.1f ms (20 tries, curl included)\n", ms[10],
              ms.back());
  EXPECT_LT(ms.back(), 1000) << "health never waits for a worker";
  ::close(listener);  // the waiting fetches fail now, and the workers come free
  EXPECT_TRUE(testing::wait_for([&] { return local("GET", "/v1/repos").contains("repos"); }, std::chrono::seconds(60)))
      << "and the API answers other requests again";
}

TEST_F(FaultInjection, ClientsThatSendSlowlyHoldNothingBackAndAreCutOffAfterThirtySeconds) {
  std::printf(
      "tried: 100 clients sending a request a byte every 100 ms for 3 s, health checked meanwhile, then never "
      "finishing it\n");
  auto connected = std::chrono::steady_clock::now();
  std::vector<int> slow;
  for (int i = 0; i < 100; ++i) {
    int fd = connect_unix(socket());
    ASSERT_GE(fd, 0);
    slow.push_back(fd);
  }
  const std::string request = "GET /v1/tasks?limit=100 HTTP/1.1\r\nHost: corral\r\nX-Slow: ";
  long cpu_before = cpu_ticks(pid_);
  std::vector<double> health_ms;
  for (size_t byte = 0; byte < 30; ++byte) {
    for (int fd : slow) (void)!::write(fd, &request[byte % request.size()], 1);
    auto start = std::chrono::steady_clock::now();
    EXPECT_NE(curl("/v1/health").find("\"ok\":true"), std::string::npos);
    health_ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  long cpu_used = cpu_ticks(pid_) - cpu_before;
  std::sort(health_ms.begin(), health_ms.end());
  std::printf("health meanwhile: median %.1f ms, slowest %.1f ms (curl included); the daemon used %ld CPU ticks\n",
              health_ms[health_ms.size() / 2], health_ms.back(), cpu_used);
  EXPECT_LT(health_ms.back(), 1000) << "slow senders never hold the I/O thread";
  EXPECT_LT(cpu_used, ::sysconf(_SC_CLK_TCK)) << "nor spin it";
  int still_open = 0;
  for (int fd : slow) still_open += !closed_by_peer(fd, std::chrono::milliseconds(1));
  EXPECT_EQ(still_open, 100) << "a request still arriving within its 30 s is waited for";
  std::this_thread::sleep_until(connected + std::chrono::seconds(31));
  int cut = 0;
  for (int fd : slow) cut += closed_by_peer(fd, std::chrono::milliseconds(1));
  std::printf("%d of 100 cut off 31 s after they connected\n", cut);
  EXPECT_EQ(cut, 100) << "a request must arrive whole within 30 s, however slowly it trickles";
  for (int fd : slow) ::close(fd);
}

// A line of /proc/<pid>/status ("VmRSS", "VmHWM") in MiB.
long status_mib(pid_t pid, const std::string& field) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(status, line);) {
    if (line.rfind(field + ":", 0) == 0) return std::stol(line.substr(field.size() + 1)) / 1024;
  }
  return -1;
}

TEST_F(FaultInjection, ClientsThatNeverReadCannotGrowTheDaemonAndItsMemoryComesBack) {
  stop_daemon(SIGTERM);
  start_daemon("--max-running 0");  // the tasks stay queued, so each page of them stays large
  ASSERT_TRUE(ready_);
  std::string prompt(60000, 'p');
  for (int i = 0; i < 100; ++i) ASSERT_FALSE(submit("true", prompt + std::to_string(i)).empty());
  long before = status_mib(pid_, "VmRSS");
  std::printf("tried: 100 clients that ask for a 6 MB page of tasks and never read it (daemon at %ld MiB)\n", before);
  std::vector<int> clients;
  for (int i = 0; i < 100; ++i) {
    int fd = connect_unix(socket());
    ASSERT_GE(fd, 0);
    std::string request = "GET /v1/tasks?limit=100 HTTP/1.1\r\nHost: corral\r\n\r\n";
    ASSERT_EQ(::write(fd, request.data(), request.size()), static_cast<ssize_t>(request.size()));
    clients.push_back(fd);
  }
  std::this_thread::sleep_for(std::chrono::seconds(3));  // every request is answered or refused by now
  EXPECT_NE(curl("/v1/health").find("\"ok\":true"), std::string::npos) << "health answers meanwhile";
  long peak = status_mib(pid_, "VmHWM");
  int answered = 0, refused = 0;
  for (int fd : clients) {
    std::string line = status_line(fd, "");
    answered += line.rfind("HTTP/1.1 200", 0) == 0;
    refused += line.rfind("HTTP/1.1 503", 0) == 0;
  }
  std::printf("%d answered, %d refused with 503 (busy); the daemon peaked at %ld MiB\n", answered, refused, peak);
  EXPECT_GT(refused, 50) << "answers past the output budget (128 MiB) are refused, not held";
  EXPECT_GT(answered, 10);
  EXPECT_LT(peak - before, 400) << "without the budget the daemon holds all 100 answers (over 600 MiB)";
  for (int fd : clients) ::close(fd);
  long after = 0;
  testing::wait_for(
      [&] {
        after = status_mib(pid_, "VmRSS");
        return after - before < 40;
      },
      std::chrono::seconds(10));
  std::printf("after the clients went: %ld MiB\n", after);
  EXPECT_LT(after - before, 40) << "the memory goes back to the system once the answers are gone";
}

// The database's files made immutable (`chattr +i`: every write fails, as
// on a filesystem gone read-only) while tasks run, then writable again.
class ReadOnlyDatabase : public FaultDaemon {
 protected:
  void TearDown() override {
    set_immutable(false);  // else neither the daemon's end nor the cleanup can write
    FaultDaemon::TearDown();
  }
  void set_immutable(bool on) {
    // Not the -shm file: SQLite maps it into memory, and a write to a mapped
    // page of an immutable file is SIGBUS for any SQLite process.
    for (const char* suffix : {"", "-wal"}) {
      std::string file = data() + "/corral.db" + suffix;
      if (std::filesystem::exists(file)) sh(std::string("chattr ") + (on ? "+i " : "-i ") + quote(file));
    }
  }
};

TEST_F(ReadOnlyDatabase, RunsEndingWhileItRefusesWritesSettleAfterwardsAndNothingIsHalfDone) {
  std::printf("tried: the database made read-only for 8 s while 4 tasks run; a submission meanwhile\n");
  std::vector<std::string> tasks;
  for (int i = 0; i < 4; ++i) {
    tasks.push_back(submit("sleep 2; echo " + std::to_string(i) + " > out-" + std::to_string(i) + ".txt", "ro"));
  }
  ASSERT_TRUE(testing::wait_for([&] { return local("GET", "/v1/tasks?state=running")["tasks"].size() >= 2; },
                                std::chrono::seconds(30)));
  set_immutable(true);
  auto refused =
      local("POST", "/v1/tasks", nlohmann::json{{"repo", repo()}, {"agent", "true"}, {"prompt", "x"}}.dump());
  std::printf("a submission while read-only: %s\n", refused.dump().c_str());
  EXPECT_FALSE(refused.contains("id")) << "nothing is acknowledged that was not stored";
  EXPECT_TRUE(refused.contains("error")) << "the caller is told why";
  long cpu_before = cpu_ticks(pid_);
  std::this_thread::sleep_for(std::chrono::seconds(8));
  long cpu_used = cpu_ticks(pid_) - cpu_before;
  EXPECT_NE(curl("/v1/health").find("\"ok\""), std::string::npos) << "the daemon still answers";
  set_immutable(false);
  std::string log = testing::read_file(dir_ / "serve.log");
  size_t logged = occurrences(log, "could not be recorded");
  std::printf("while read-only the daemon used %ld of %ld possible CPU ticks and logged %zu unrecorded ends\n",
              cpu_used, 8 * ::sysconf(_SC_CLK_TCK), logged);
  EXPECT_LT(cpu_used, 2 * ::sysconf(_SC_CLK_TCK)) << "retrying the ends is no busy loop";
  EXPECT_LE(logged, tasks.size()) << "each end's failure is logged once, not per try:\n" << log;
  std::map<std::string, int> ended = settle(tasks);
  std::printf("once writable again: %d in review, %d failed, %d runs for 4 tasks\n", ended["review"], ended["failed"],
              ended["runs"]);
  EXPECT_TRUE(local("GET", "/v1/tasks?state=running")["tasks"].empty()) << "no phantom running task holds a slot";
  std::string after = submit("echo after > after.txt", "after");
  EXPECT_EQ(wait_for_state(after, "review").value("state", ""), "review") << "the queue moves again";
  expect_chain_intact_and_no_run_lock();
}

// A daemon whose data directory is a file system of the test's making,
// mounted (by `mount_command`, given the directory) before the daemon starts.
class DaemonOnItsOwnMount : public FaultDaemon {
 protected:
  void start_on(const std::string& mount_command) {
    std::filesystem::create_directories(data());
    sh_ok(mount_command + " " + quote(data()));
    mounted_ = true;
    start_daemon();
    ASSERT_TRUE(ready_) << testing::read_file(dir_ / "serve.log");
    sh_ok(quote(testing::corral_binary()) + " --data-dir " + quote(data()) + " repo add " + quote(repo()));
  }
  // Not DaemonE2E::SetUp: the daemon starts only once its data directory is mounted.
  void SetUp() override { CorralE2E::SetUp(); }
  void TearDown() override {
    stop_daemon(SIGTERM);
    if (mounted_) sh("umount -l " + quote(data()));
  }
  bool mounted_ = false;
};

// The data directory on a small tmpfs of its own, so a test can fill it.
class FullDisk : public DaemonOnItsOwnMount {
 protected:
  void SetUp() override {
    DaemonOnItsOwnMount::SetUp();
    start_on("mount -t tmpfs -o size=96m corral-fault");
  }
};

TEST_F(FullDisk, TasksEndingOnAFullDiskSettleOnceSpaceIsBackAndNothingLeaks) {
  std::printf(
      "tried: 4 tasks running as their data directory (a 96 MiB tmpfs) is filled to the last byte, "
      "then freed 5 s later\n");
  std::vector<std::string> tasks;
  for (int i = 0; i < 4; ++i) {
    tasks.push_back(submit("sleep 2; echo " + std::to_string(i) + " > out-" + std::to_string(i) + ".txt", "fill"));
  }
  ASSERT_TRUE(testing::wait_for([&] { return local("GET", "/v1/tasks?state=running")["tasks"].size() >= 2; },
                                std::chrono::seconds(30)));
  sh("dd if=/dev/zero of=" + quote(data() + "/filler") + " bs=1M 2>/dev/null");  // until the disk is full
  std::this_thread::sleep_for(std::chrono::seconds(5));
  std::filesystem::remove(data() + "/filler");
  std::map<std::string, int> ended = settle(tasks);
  std::printf("after the disk was freed: %d in review, %d failed, %d runs for 4 tasks\n", ended["review"],
              ended["failed"], ended["runs"]);
  EXPECT_GT(ended["runs"], 4) << "the full disk cost some runs (retried once space was back)";
  EXPECT_NE(curl("/v1/health").find("\"ok\":true"), std::string::npos);
  expect_chain_intact_and_no_run_lock();
  EXPECT_EQ(sh("ls -A " + quote(data() + "/worktrees")).out, "") << "nor a worktree";
}

// corral inside a container: its data directory on overlayfs, which cannot
// hold an overlay's upper layer. Runs fall back to worktrees, say why, and
// their work is collected as ever.
class DataOnOverlayfs : public DaemonOnItsOwnMount {
 protected:
  void SetUp() override {
    DaemonOnItsOwnMount::SetUp();
    for (const char* part : {"lower", "upper", "work"}) {
      std::filesystem::create_directories(dir_ / ("outer/" + std::string(part)));
    }
    start_on("mount -t overlay overlay -o lowerdir=" + quote(dir_ / "outer/lower") +
             ",upperdir=" + quote(dir_ / "outer/upper") + ",workdir=" + quote(dir_ / "outer/work"));
  }
};

TEST_F(DataOnOverlayfs, RunsFallBackToAWorktreeSayWhyAndTheirWorkIsCollected) {
  std::printf("tried: the data directory on overlayfs (as in a container), two tasks\n");
  std::vector<std::string> tasks = {submit("echo one > one.txt; true", "one"),
                                    submit("echo two > two.txt; true", "two")};
  std::map<std::string, int> ended = settle(tasks);
  EXPECT_EQ(ended["review"], 2);
  for (const std::string& task : tasks) {
    auto created = local("GET", "/v1/events?type=sandbox.created&task=" + task)["events"];
    ASSERT_FALSE(created.empty());
    const auto& workspace = created[0]["payload"]["workspace"];
    EXPECT_EQ(workspace["kind"], "worktree") << workspace.dump();
    EXPECT_NE(workspace.value("why_not_overlay", ""), "") << workspace.dump();
  }
  EXPECT_EQ(sh("git -C " + quote(repo()) + " show " + quote("corral/" + tasks[0] + ":one.txt")).out, "one\n");
  expect_chain_intact_and_no_run_lock();
  for (const char* left : {"/worktrees", "/layers"}) EXPECT_EQ(sh("ls -A " + quote(data() + left)).out, "") << left;
}

// The daemon killed (SIGKILL) at random moments while tasks run and merge,
// restarted each time; once it settles every invariant must hold. The seed is
// printed; FAULT_SEED=N repeats a run.
// A git process that died mid-update of the upstream's main left main.lock
// behind: the merge says the branch is locked (not that it moved), lands
// nothing, leaves the lock (the upstream is its owner's), and lands once the
// lock is gone and the task is retried.
using UpstreamLocked = CommitE2E;

TEST_F(UpstreamLocked, AMergeNamesTheLockLandsNothingAndLandsOnceItIsGone) {
  settings({{"pin", "autonomous"}});
  std::string lock = upstream() + "/refs/heads/main.lock";
  testing::write_file(lock, "");
  std::printf("tried: a merge into an upstream whose main.lock a dead git process left, then a retry without it\n");
  std::string task = submit_task("echo through > locked.txt; true", "write through a lock");
  nlohmann::json failed = wait_for_state(task, "merge_failed", 120);
  ASSERT_EQ(failed["state"], "merge_failed") << failed.dump();
  std::string reason = failed["reason"];
  EXPECT_NE(reason.find("was locked at each of"), std::string::npos) << reason;
  EXPECT_EQ(reason.find("moved"), std::string::npos) << reason;
  EXPECT_EQ(upstream_git("rev-parse main"), base_) << "nothing landed";
  EXPECT_TRUE(std::filesystem::exists(lock)) << "corral leaves the upstream's lock to its owner";
  std::filesystem::remove(lock);
  EXPECT_EQ(local("POST", "/v1/tasks/" + task + "/retry", "{}")["state"], "queued");
  EXPECT_EQ(wait_for_state(task, "merged", 120)["state"], "merged");
  EXPECT_EQ(upstream_file("main", "locked.txt"), "through\n");
}

// Two repositories, one whose upstream cannot be reached: its queue backs
// off and raises an alert; the other keeps merging; once the upstream is
// back, its tasks merge too.
using UnreachableUpstream = CommitE2E;

TEST_F(UnreachableUpstream, HoldsOnlyItsOwnRepositorysMergeQueue) {
  std::printf("tried: an upstream renamed away while its approved task waits to merge, another repository merging\n");
  auto queue_of = [&](const std::string& repo_id) {
    auto shown = local("GET", "/v1/queues?repo=" + repo_id);
    return shown["queues"].empty() ? nlohmann::json() : shown["queues"][0];
  };
  stop_daemon(SIGTERM);
  start_daemon("--queue-retry-ms 50");
  ASSERT_TRUE(ready_);
  std::string other = dir_ / "other.git";
  sh_ok("git clone -q --bare " + quote(repo()) + " " + quote(other));
  std::string other_id = local("POST", "/v1/repos", nlohmann::json{{"path", other}}.dump()).value("id", "");
  ASSERT_FALSE(other_id.empty());
  settings({{"pin", "supervised"}});  // this one's tasks wait for a person first
  local("PATCH", "/v1/repos/" + other_id + "/settings", nlohmann::json{{"pin", "autonomous"}}.dump());
  ASSERT_EQ(local("GET", "/v1/repos/" + other_id)["settings"].value("pin", ""), "autonomous");
  std::string held = submit_task("echo held > held.txt; true", "held");
  ASSERT_EQ(wait_for_state(held, "review", 120)["state"], "review");
  std::string reviewer = token("rita", "reviewer");
  std::string hash = diff_hash(held);

  std::string away = dir_ / "upstream-away.git";
  std::filesystem::rename(upstream(), away);
  ASSERT_EQ(judge(held, "approve", reviewer, hash).substr(0, 3), "201");
  std::vector<std::string> others;
  for (int i = 0; i < 3; ++i)
    others.push_back(submit_to(other, "echo " + std::to_string(i) + " > o-" + std::to_string(i) + ".txt; true", "o",
                               nlohmann::json::object()));
  for (const std::string& task : others) ASSERT_EQ(wait_for_state(task, "merged", 180)["state"], "merged") << task;
  EXPECT_EQ(local("GET", "/v1/tasks/" + held)["state"], "merging") << "waits, not failed";

  ASSERT_TRUE(testing::wait_for([&] { return count_events("alert.raised") > 0; }, std::chrono::seconds(60)));
  nlohmann::json alert = last_event("alert.raised");
  EXPECT_EQ(alert["payload"]["kind"], "merge_queue_stalled");
  EXPECT_EQ(alert["repo"], upstream_id_);
  nlohmann::json queue = queue_of(upstream_id_);
  EXPECT_GE(queue.value("failures", 0), 5) << queue.dump();
  EXPECT_NE(queue.value("last_error", ""), "") << queue.dump();
  EXPECT_NE(corral("queue show " + upstream_id_).out.find("backing off"), std::string::npos);
  auto unknown = corral("queue show " + std::string(dir_ / "not-a-repository"));
  EXPECT_NE(unknown.exit_code, 0);
  EXPECT_NE(unknown.err.find("not-a-repository"), std::string::npos) << unknown.err;
  EXPECT_TRUE(testing::wait_for([&] { return !local("GET", "/v1/alerts?rule=merge_queue")["alerts"].empty(); },
                                std::chrono::seconds(30)))
      << "the alert rules saw it";

  std::filesystem::rename(away, upstream());
  EXPECT_EQ(wait_for_state(held, "merged", 400)["state"], "merged") << "merged once its upstream is back";
  EXPECT_EQ(upstream_file("main", "held.txt"), "held\n");
}

using RandomKills = CommitE2E;

TEST_F(RandomKills, KilledAtRandomDuringRunsAndMergesEveryInvariantHolds) {
  const char* seed_text = std::getenv("FAULT_SEED");
  unsigned seed = seed_text ? static_cast<unsigned>(std::stoul(seed_text)) : std::random_device{}();
  std::mt19937 random(seed);
  // Merged without a person, each after a check that takes a while, so the
  // kills land in merges as well as in runs.
  settings({{"pin", "autonomous"}, {"check_command", "sleep 0.3"}});
  const int count = 12;
  std::vector<std::string> tasks;
  for (int i = 0; i < count; ++i) {
    std::string agent = "sleep 0." + std::to_string(2 + random() % 8) + "; echo " + std::to_string(i) + " > kill-" +
                        std::to_string(i) + ".txt; true";
    tasks.push_back(submit_task(agent, "task " + std::to_string(i)));
    ASSERT_FALSE(tasks.back().empty());
  }
  std::printf("tried: seed %u, up to 8 SIGKILLs of the daemon 0.2-1.5 s apart while %d tasks run and merge\n", seed,
              count);
  for (int k = 0; k < 8; ++k) {
    auto pause = std::chrono::milliseconds(200 + random() % 1300);
    std::this_thread::sleep_for(pause);
    auto states = local("GET", "/v1/tasks?limit=100")["tasks"];
    std::map<std::string, int> by_state;
    for (const auto& task : states) ++by_state[task.value("state", "?")];
    if (by_state["merged"] == count) break;
    std::string shown;
    for (const auto& [state, count] : by_state) shown += " " + state + "=" + std::to_string(count);
    std::printf("kill %d after %lld ms:%s\n", k + 1, static_cast<long long>(pause.count()), shown.c_str());
    stop_daemon(SIGKILL);
    start_daemon();
    ASSERT_TRUE(ready_) << testing::read_file(dir_ / "serve.log");
  }
  std::map<std::string, int> ended;
  for (const std::string& task : tasks) {
    auto shown = wait_for_state(task, "merged", 120);
    ASSERT_TRUE(shown.contains("id")) << task << ": an acknowledged task was lost";
    ++ended[shown.value("state", "?")];
    EXPECT_EQ(shown.value("state", ""), "merged") << "nothing the agents did can fail these: " << shown.dump();
    EXPECT_EQ(commits_of_task_on_main(task), shown.value("state", "") == "merged" ? 1 : 0) << task;
  }
  std::string summary;
  for (const auto& [state, count] : ended) summary += " " + state + "=" + std::to_string(count);
  std::printf("settled:%s\n", summary.c_str());
  for (int i = 0; i < count; ++i) {
    EXPECT_EQ(upstream_file("main", "kill-" + std::to_string(i) + ".txt"), std::to_string(i) + "\n");
  }
  auto audit = corral("audit verify --json");
  EXPECT_EQ(audit.exit_code, 0) << audit.out << audit.err;
  EXPECT_NE(audit.out.find("\"intact\":true"), std::string::npos) << audit.out;
  expect_no_leftovers();
}

}  // namespace
}  // namespace corral::e2e
