// The real Gemini CLI (npm @google/gemini-cli, installed by scripts/setup.sh)
// run by the daemon in a sandbox as the gemini-cli profile runs it (the
// host's node, its package mounted read-only), against the scripted model
// server speaking Gemini's streaming wire format over TLS, through the LLM
// gateway; its BeforeTool hook asks corral's tool gate.
#include <gtest/gtest.h>

#include "tests/e2e/agent_cli_fixture.h"

namespace corral::e2e {
namespace {

using nlohmann::json;

constexpr const char* kRealKey = "AIzaSy-the-real-gemini-key-only-corral-holds";

// Write a file, try a force-push (Gemini CLI itself refuses paths outside its
// workspace, and ignored files such as .env, before any hook runs; a shell
// command it lets through reaches the hook), look for the key, finish.
json session_script() {
  return {
      {"steps",
       {{{"tool", "write_file"},
         {"input", {{"file_path", "/workspace/hello.txt"}, {"content", "hello from gemini\n"}}}},
        {{"tool", "run_shell_command"}, {"input", {{"command", "git push --force origin main"}}}},
        {{"tool", "run_shell_command"},
         {"input", {{"command", key_probe_command("GOOGLE_GEMINI_BASE_URL", "GEMINI_API_KEY", "AIzaSy-the-rea[l]")}}}},
        {{"text", "All done."}}}}};
}

class GeminiCliE2E : public AgentCliE2E {
 protected:
  void SetUp() override {
    ASSERT_TRUE(std::filesystem::exists(agents_dir() + "/.bin/gemini"))
        << "Gemini CLI is not installed: scripts/setup.sh installs it into .cache/agents";
    start(session_script(), "gemini", "gemini=" + agents_dir() + ":.bin/gemini", kRealKey);
  }
};

TEST_F(GeminiCliE2E, EditsLandTheHookDeniesTokensAreCountedAndTheKeyStaysOut) {
  std::string task = submit("gemini-cli", "Add a greeting file");
  json shown = wait_for_state(task, "review", 120);
  ASSERT_EQ(shown.value("state", ""), "review") << shown.dump(2) << "\n" << agent_output(task);
  std::string branch = "corral/" + task;
  EXPECT_EQ(file_on_branch(branch, "hello.txt"), "hello from gemini\n");

  expect_hook_blocked_once(task, "run_shell_command", "force_push");
  std::vector<json> invoked = events_of(task, "tool.invoked");
  ASSERT_EQ(invoked.size(), 2u);
  EXPECT_EQ(invoked[0]["tool"], "write_file");
  EXPECT_EQ(invoked[1]["tool"], "run_shell_command");

  std::vector<json> uses = events_of(task, "agent.tool_use");
  ASSERT_EQ(uses.size(), 3u);
  EXPECT_EQ(uses[1]["input"]["command"], "git push --force origin main");
  std::vector<json> results = events_of(task, "agent.tool_result");
  ASSERT_EQ(results.size(), 3u);
  EXPECT_EQ(results[1]["is_error"], true) << "the denied push";
  ASSERT_EQ(events_of(task, "agent.result").size(), 1u);

  std::vector<json> calls = events_of(task, "llm.call");
  ASSERT_GE(calls.size(), 4u) << "a routing call and one per step";
  for (const json& call : calls) {
    EXPECT_EQ(call["provider"], "gemini");
    EXPECT_EQ(call["status"], 200);
    EXPECT_GT(call["input_tokens"].get<int64_t>(), 0);
  }
  expect_key_on_every_call(task, "x-goog-api-key", kRealKey);
  expect_key_kept_out(branch, "http://127.0.0.1:4141");
}

}  // namespace
}  // namespace corral::e2e
