// Bad input: a clear one-line error, a non-zero exit, and no partial state.
#include <sys/mount.h>

#include "tests/e2e/e2e_fixture.h"

namespace corral::e2e {
namespace {

class BadInput : public CorralE2E {
 protected:
  // Runs corral, expects `exit_code` and one line on stderr containing `words`.
  void expect_refused(const std::string& args, int exit_code, const std::string& words) {
    auto result = corral(args);
    EXPECT_EQ(result.exit_code, exit_code) << args << "\n" << result.err;
    EXPECT_NE(result.err.find(words), std::string::npos) << result.err;
    EXPECT_EQ(std::count(result.err.begin(), result.err.end(), '\n'), 1) << "one line: " << result.err;
    EXPECT_EQ(git("branch --list 'corral/*'"), "");
  }

  void expect_nothing_written() { EXPECT_FALSE(std::filesystem::exists(data())) << "the data directory was created"; }

  std::string run_args(const std::string& rest) { return "run --repo " + quote(repo()) + " " + rest; }
};

TEST_F(BadInput, APathThatIsNotARepository) {
  std::string plain = dir_ / "plain";
  std::filesystem::create_directories(plain);
  expect_refused("run --repo " + quote(plain) + " --agent true 'p'", 2, plain + " is not a git repository");
  expect_nothing_written();
}

TEST_F(BadInput, ARepositoryThatDoesNotExist) {
  expect_refused("run --repo /nonexistent/repo --agent true 'p'", 2, "repository /nonexistent/repo does not exist");
  expect_nothing_written();
}

TEST_F(BadInput, ABaseRevisionThatDoesNotExist) {
  expect_refused(run_args("--base no-such-branch --agent true 'p'"), 2, "revision 'no-such-branch' does not exist");
  expect_nothing_written();
}

TEST_F(BadInput, AnAgentCommandThatDoesNotExist) {
  auto result = corral(run_args("--json --agent no-such-agent-binary 'p'"));
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_EQ(parse(result)["reason"], "agent command not found (exit 127)");
  EXPECT_NE(result.err.find("agent command not found"), std::string::npos);
  EXPECT_EQ(git("branch --list 'corral/*'"), "");
  expect_no_leftovers();
}

TEST_F(BadInput, ADataDirectoryThatIsAFile) {
  testing::write_file(data(), "not a directory");
  expect_refused(run_args("--agent true 'p'"), 2, "is not a directory");
  EXPECT_EQ(testing::read_file(data()), "not a directory");
}

TEST_F(BadInput, ADataDirectoryThatIsNotWritable) {
  std::filesystem::create_directories(data());
  // Root ignores file modes; a read-only mount stops even root.
  ASSERT_EQ(::mount("tmpfs", data().c_str(), "tmpfs", MS_RDONLY, "size=1m"), 0);
  expect_refused(run_args("--agent true 'p'"), 2, "is not writable");
  ::umount2(data().c_str(), MNT_DETACH);
}

TEST_F(BadInput, LimitsOutOfRange) {
  expect_refused(run_args("--agent true --memory 5x 'p'"), 2, "--memory");
  expect_refused(run_args("--agent true --memory 1m 'p'"), 2, "memory must be within 16m..64g");
  expect_refused(run_args("--agent true --timeout -1 'p'"), 2, "timeout must be within");
  expect_refused(run_args("--agent true --pids 100000 'p'"), 2, "pids must be within");
  expect_nothing_written();
}

TEST_F(BadInput, MountsOfHostSecrets) {
  expect_refused(run_args("--agent true --mount-ro /root 'p'"), 2, "inside /root");
  expect_refused(run_args("--agent true --mount-ro /etc:/opt/etc 'p'"), 2, "inside /etc");
  expect_refused(run_args("--agent true --mount-ro /:/host 'p'"), 2, "contains");
  expect_refused(run_args("--agent true --mount-ro " + quote(agents() + ":/workspace") + " 'p'"), 2,
                 "overlaps /workspace");
  std::string sneaky = dir_ / "sneaky";
  std::filesystem::create_directory_symlink("/root", sneaky);
  expect_refused(run_args("--agent true --mount-ro " + quote(sneaky) + " 'p'"), 2, "inside /root");
  expect_nothing_written();
}

TEST_F(BadInput, MissingArgumentsAndEmptyValues) {
  EXPECT_EQ(corral("run --repo " + quote(repo()) + " 'p'").exit_code, 2);
  expect_refused(run_args("--agent ' ' 'p'"), 2, "--agent is empty");
  expect_refused(run_args("--agent true ''"), 2, "the prompt is empty");
  expect_nothing_written();
}

TEST_F(BadInput, JsonModeGivesAMachineReadableError) {
  auto result = corral(run_args("--json --base nope --agent true 'p'"));
  EXPECT_EQ(result.exit_code, 2);
  nlohmann::json out = parse(result);
  EXPECT_EQ(out["error"]["code"], "not_found");
  EXPECT_NE(out["error"]["message"].get<std::string>().find("nope"), std::string::npos);
}

TEST_F(BadInput, EventsOfATaskThatDoesNotExist) {
  ASSERT_EQ(run_agent("true", "x").exit_code, 0);
  auto malformed = corral("events ../../etc/passwd");
  EXPECT_EQ(malformed.exit_code, 2);
  EXPECT_NE(malformed.err.find("is not a task id"), std::string::npos);
  auto unknown = corral("events t-00000000000000000a");
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_NE(unknown.err.find("no task"), std::string::npos);
}

// The daemon's gateway and listener flags are checked before anything
// starts: each mistake is named, and the data directory is not even created.
TEST_F(CorralE2E, BadGatewayFlagsStopServeBeforeItStarts) {
  const std::pair<std::string, std::string> kCases[] = {
      {"--llm nonsense=https://x", "the gateway speaks anthropic, openai"},
      {"--llm anthropic=ftp://x --llm-key anthropic=env:HOME", "'ftp://x' is not an http(s) base URL"},
      {"--llm anthropic=https://models.test/v1?key=1 --llm-key anthropic=env:HOME", "no user, query or fragment"},
      {"--llm anthropic=https://models.test:99999 --llm-key anthropic=env:HOME", "is not an http(s) base URL"},
      {"--llm anthropic=https://x --llm-key anthropic=sk-plain-key", "a key is never given on the command line"},
      {"--llm anthropic=https://x --llm-key anthropic=env:CORRAL_TEST_NO_SUCH_VARIABLE", "is not set"},
      {"--llm anthropic=https://x", "needs --llm-key anthropic"},
      {"--llm-key openai=env:HOME", "no --llm openai=URL"},
      {"--egress-host mirror.internal=not-an-address", "is not an IP address"},
      {"--agent-tool claude=relative/claude", "is neither an executable file"},
      {"--agent-tool claude=/etc/passwd", "is neither an executable file"},
      {"--listen 127.0.0.1:87x0", "the port is not 0..65535"},
      {"--listen 0.0.0.0:0", "bearer tokens would cross the network in clear"},
      {"--listen [::]:0", "bearer tokens would cross the network in clear"},
      {"--listen 127.0.0.1:0 --tls-cert /etc/hostname", "--tls-cert and --tls-key go together"},
      {"--tls-cert /etc/hostname --tls-key /etc/hostname", "need --listen"},
      {"--listen 127.0.0.1:0 --tls-cert /no/cert.pem --tls-key /no/key.pem", "reading /no/cert.pem"},
      {"--test-pause-at lunch", "'lunch' is not a stage"},
  };
  for (const auto& [flags, message] : kCases) {
    auto served = corral("serve " + flags);
    EXPECT_EQ(served.exit_code, 2) << flags << ": " << served.err;
    EXPECT_NE(served.err.find(message), std::string::npos) << flags << ": " << served.err;
  }
  EXPECT_FALSE(std::filesystem::exists(data())) << "nothing was written";
}

}  // namespace
}  // namespace corral::e2e
