// The Docker backend when things go wrong: a missing image, no engine, a
// container killed from outside, the engine stopped mid-run, and corral killed
// mid-run. Each ends with a clear reason and, in the end, no leftover container.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <thread>

#include "tests/e2e/e2e_fixture.h"

namespace corral::e2e {
namespace {

using testing::wait_for;

using Seconds = std::chrono::seconds;

class DockerFailures : public CorralE2E {
 protected:
  void SetUp() override {
    CorralE2E::SetUp();
    use_docker();
  }

  std::string docker_env() const { return docker_host_.empty() ? "" : "DOCKER_HOST=unix://" + docker_host_ + " "; }

  std::string our_containers(const std::string& filter = "") const {
    return sh(docker_env() + "docker ps -aq " + filter + " --filter " + quote("label=corral.owner=" + data())).out;
  }

  // `corral run` in the background on the docker backend; the agent writes
  // started.txt and sleeps.
  pid_t start_run(int timeout_seconds = 600) {
    std::string command = docker_env() + "exec " + quote(testing::corral_binary()) + " --data-dir " + quote(data()) +
                          " run --json --repo " + quote(repo()) + " " + backend_args_ + " --timeout " +
                          std::to_string(timeout_seconds) + " --agent " +
                          quote("echo started > started.txt; sleep 600 #") + " 'wait' >" + quote(dir_ / "out.json") +
                          " 2>" + quote(dir_ / "err.txt");
    pid_t pid = ::fork();
    if (pid == 0) {
      ::execl("/bin/sh", "sh", "-c", command.c_str(), static_cast<char*>(nullptr));
      ::_exit(127);
    }
    EXPECT_TRUE(
        wait_for([&] { return sh("ls " + quote(data()) + "/worktrees/*/started.txt").exit_code == 0; }, Seconds(60)))
        << testing::read_file(dir_ / "err.txt");
    return pid;
  }

  int exit_code_of(pid_t pid) {
    int status = 0;
    ::waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }

  std::string docker_host_;  // a private engine's socket, when a test runs one
};

TEST_F(DockerFailures, AnImageThatDoesNotExist) {
  auto result =
      corral("run --backend docker --image corral-no-such-image:0 --repo " + quote(repo()) + " --agent true 'p'");
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_EQ(result.err,
            "corral: image 'corral-no-such-image:0' is not in the Docker engine (pull it, build it or "
            "docker import it)\n");
  EXPECT_FALSE(std::filesystem::exists(data()));
}

TEST_F(DockerFailures, ASocketWithNoEngineBehindIt) {
  std::string socket = dir_ / "no-engine.sock";
  auto result = corral("run --backend docker --image x --repo " + quote(repo()) + " --agent true 'p'",
                       "DOCKER_HOST=unix://" + socket);
  EXPECT_EQ(result.exit_code, 3);
  EXPECT_EQ(result.err, "corral: the Docker engine is not running (nothing answers at " + socket + ")\n");
  EXPECT_FALSE(std::filesystem::exists(data()));
  auto tcp = corral("run --backend docker --image x --repo " + quote(repo()) + " --agent true 'p'",
                    "DOCKER_HOST=tcp://127.0.0.1:2375");
  EXPECT_EQ(tcp.exit_code, 2);
  EXPECT_NE(tcp.err.find("is not a unix:// socket"), std::string::npos) << tcp.err;
}

TEST_F(DockerFailures, AContainerKilledFromOutside) {
  pid_t pid = start_run();
  std::string id = our_containers();
  ASSERT_NE(id, "");
  sh("docker kill " + id);
  EXPECT_EQ(exit_code_of(pid), 1);
  nlohmann::json out = nlohmann::json::parse(testing::read_file(dir_ / "out.json"), nullptr, false);
  EXPECT_EQ(out.value("reason", ""), "agent killed by signal 9 (SIGKILL)") << out.dump();
  EXPECT_EQ(our_containers(), "");
  expect_no_leftovers();
}

TEST_F(DockerFailures, CorralKilledMidRunIsReconciled) {
  pid_t pid = start_run();
  ::kill(pid, SIGKILL);
  exit_code_of(pid);
  // Docker containers do not die with corral: the orphan is still running.
  EXPECT_NE(our_containers("--filter status=running"), "");
  auto reconciled = corral("reconcile");
  EXPECT_EQ(reconciled.exit_code, 0) << reconciled.err;
  EXPECT_NE(reconciled.out.find("1 abandoned run(s) marked failed, 1 sandbox(es) removed"), std::string::npos)
      << reconciled.out;
  EXPECT_EQ(our_containers(), "");
  expect_no_leftovers();
  EXPECT_EQ(corral("audit verify").exit_code, 0);
}

TEST_F(DockerFailures, TheSupervisorsDeadlineEndsAnOrphanEvenWithoutReconcile) {
  pid_t pid = start_run(/*timeout_seconds=*/1);
  ::kill(pid, SIGKILL);
  exit_code_of(pid);
  // corral is gone; the supervisor's own deadline (timeout + 10 s) stops the agent.
  EXPECT_TRUE(wait_for([&] { return our_containers("--filter status=running").empty(); }, Seconds(30)));
  EXPECT_EQ(corral("reconcile").exit_code, 0);
  EXPECT_EQ(our_containers(), "");
}

// A private engine, so stopping it does not disturb other tests.
class PrivateEngine {
 public:
  explicit PrivateEngine(const std::string& dir) : dir_(dir) { start(); }
  ~PrivateEngine() { stop(); }
  std::string socket() const { return dir_ + "/docker.sock"; }

  void start() {
    sh("nohup dockerd --host unix://" + socket() + " --data-root " + dir_ + "/root --exec-root " + dir_ +
       "/exec --pidfile " + dir_ +
       "/docker.pid --bridge none --iptables=false --ip-masq=false --ip-forward=false"
       " >>" +
       dir_ + "/dockerd.log 2>&1 &");
    ready_ = wait_for([&] { return sh("curl -fsS --unix-socket " + socket() + " http://d/_ping").exit_code == 0; },
                      Seconds(60));
  }

  void stop() {
    sh("kill $(cat " + dir_ + "/docker.pid) 2>/dev/null");
    wait_for([&] { return sh("test -e " + dir_ + "/docker.pid").exit_code != 0; }, Seconds(30));
  }

  bool ready() const { return ready_; }

 private:
  std::string dir_;
  bool ready_ = false;
};

TEST_F(DockerFailures, TheEngineStoppedMidRun) {
  testing::TempDir engine_dir;
  PrivateEngine engine(engine_dir.path());
  ASSERT_TRUE(engine.ready()) << testing::read_file(engine_dir / "dockerd.log");
  docker_host_ = engine.socket();
  sh_ok(docker_env() + quote(testing::source_path("tests/support/make_test_image.sh")) + " " +
        testing::docker_test_image());

  pid_t pid = start_run();
  engine.stop();
  EXPECT_EQ(exit_code_of(pid), 3);
  std::string err = testing::read_file(dir_ / "err.txt");
  EXPECT_NE(err.find("lost the Docker engine during the run"), std::string::npos) << err;

  // When the engine is back, reconciliation removes what it kept.
  engine.start();
  ASSERT_TRUE(engine.ready());
  auto reconciled = corral("reconcile", docker_env());
  EXPECT_EQ(reconciled.exit_code, 0) << reconciled.err;
  EXPECT_EQ(our_containers(), "");
  expect_no_leftovers();
  sh(docker_env() + "docker rmi -f " + testing::docker_test_image());
}

}  // namespace
}  // namespace corral::e2e
