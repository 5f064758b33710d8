// corral killed with SIGKILL in the middle of a run: the sandbox's processes
// die with it, and the next corral (or `corral reconcile`) removes what is
// left and records the run as abandoned.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <thread>

#include "tests/e2e/e2e_fixture.h"

namespace corral::e2e {
namespace {

using testing::wait_for;

class Crash : public CorralE2E {
 protected:
  pid_t start_corral_in_background(const std::string& agent_command) {
    pid_t pid = ::fork();
    if (pid == 0) {
      ::setpgid(0, 0);
      std::string bin = testing::corral_binary();
      std::string data_dir = data();
      std::string repository = repo();
      std::freopen("/dev/null", "w", stdout);
      std::freopen("/dev/null", "w", stderr);
      ::execl(bin.c_str(), bin.c_str(), "--data-dir", data_dir.c_str(), "run", "--repo", repository.c_str(), "--agent",
              agent_command.c_str(), "crash me", static_cast<char*>(nullptr));
      ::_exit(127);
    }
    return pid;
  }

  // The agent wrote started.txt into its worktree: it runs inside the sandbox.
  bool agent_started() const { return sh("ls " + quote(data()) + "/worktrees/*/started.txt").exit_code == 0; }

  // pgrep -f for a marker (only the sandbox's processes carry it once corral
  // is dead), written so the pattern does not match the shell running pgrep.
  bool agent_running(const std::string& marker) const {
    return !sh("pgrep -f '" + marker.substr(0, 1) + "[" + marker.substr(1, 1) + "]" + marker.substr(2) + "'")
                .out.empty();
  }

  std::string runtime_list() const {
    return sh("runc --root " + quote(data() + "/runtime/runc") + " list -q 2>/dev/null").out;
  }
};

TEST_F(Crash, KilledMidRunLeavesNoProcessAndIsReconciled) {
  std::string marker = "crash-marker-" + std::to_string(::getpid());
  pid_t corral_pid = start_corral_in_background("echo started > started.txt; sleep 600 # " + marker);
  ASSERT_TRUE(wait_for([&] { return agent_started(); }, std::chrono::seconds(30))) << "the agent never started";
  ASSERT_EQ(::kill(corral_pid, SIGKILL), 0);
  ::waitpid(corral_pid, nullptr, 0);

  EXPECT_TRUE(wait_for([&] { return !agent_running(marker); }, std::chrono::seconds(10)))
      << "the agent outlived corral";
  EXPECT_NE(runtime_list(), "") << "the runtime still knows the dead sandbox (precondition of this test)";

  auto reconciled = corral("reconcile");
  ASSERT_EQ(reconciled.exit_code, 0) << reconciled.err;
  EXPECT_NE(reconciled.out.find("1 abandoned run(s) marked failed, 1 sandbox(es) removed"), std::string::npos)
      << reconciled.out;
  EXPECT_EQ(runtime_list(), "");
  expect_no_leftovers();
  EXPECT_EQ(git("branch --list 'corral/*'"), "");

  std::string task = sh_ok("ls " + quote(data()) + " >/dev/null; " + quote(testing::corral_binary()) + " --data-dir " +
                           quote(data()) + " audit verify --json");
  EXPECT_NE(task.find("\"intact\":true"), std::string::npos) << task;

  // Reconciling again finds nothing, and corral runs normally afterwards.
  EXPECT_NE(corral("reconcile").out.find("0 abandoned run(s) marked failed, 0 sandbox(es) removed"), std::string::npos);
  EXPECT_EQ(run_agent("echo ok > ok.txt", "after the crash").exit_code, 0);
}

TEST_F(Crash, TheNextRunCleansUpBeforeItStarts) {
  std::string marker = "crash-next-" + std::to_string(::getpid());
  pid_t corral_pid = start_corral_in_background("echo started > started.txt; sleep 600 # " + marker);
  ASSERT_TRUE(wait_for([&] { return agent_started(); }, std::chrono::seconds(30)));
  ::kill(corral_pid, SIGKILL);
  ::waitpid(corral_pid, nullptr, 0);
  auto result = run_agent("echo ok > ok.txt", "next");
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(runtime_list(), "");
  expect_no_leftovers();
}

}  // namespace
}  // namespace corral::e2e
