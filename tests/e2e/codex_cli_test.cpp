// The real Codex CLI (npm @openai/codex, its static binary, installed by
// scripts/setup.sh) run by the daemon in a sandbox as the codex profile runs
// it, against the scripted model server speaking the OpenAI Responses
// streaming format over TLS, through the LLM gateway; its PreToolUse hook
// asks corral's tool gate.
#include <gtest/gtest.h>

#include "tests/e2e/agent_cli_fixture.h"

namespace corral::e2e {
namespace {

using nlohmann::json;

constexpr const char* kRealKey = "sk-proj-the-real-openai-key-only-corral-holds";

// The package's platform folder: the binary finds its helpers (the code-mode
// host, rg) beside it, so the whole folder is mounted.
std::string codex_folder() { return agents_dir() + "/@openai/codex-linux-x64/vendor/x86_64-unknown-linux-musl"; }

// Write a file, try a force-push, look for the key, finish.
json session_script() {
  auto run = [](const std::string& command) { return json{{"tool", "exec_command"}, {"input", {{"cmd", command}}}}; };
  return {{"steps",
           {run("echo 'hello from codex' > hello.txt"),
            run("git push --force origin main"),
            run(key_probe_command("OPENAI_BASE_URL", "OPENAI_API_KEY", "sk-proj-the-rea[l]")),
            {{"text", "All done."}}}}};
}

class CodexCliE2E : public AgentCliE2E {
 protected:
  void SetUp() override {
    ASSERT_TRUE(std::filesystem::exists(codex_folder() + "/bin/codex"))
        << "Codex is not installed: scripts/setup.sh installs it";
    start(session_script(), "openai", "codex=" + codex_folder() + ":bin/codex", kRealKey);
  }
};

TEST_F(CodexCliE2E, EditsLandTheHookDeniesTokensAreCountedAndTheKeyStaysOut) {
  // A model Codex has no metadata for: it offers its classic tool list
  // (exec_command), which the scripted model answers.
  local("PATCH", "/v1/repos/" + repo_id_ + "/settings", json{{"models", {{"codex", "gpt-test"}}}}.dump());
  std::string task = submit("codex", "Add a greeting file");
  json shown = wait_for_state(task, "review", 120);
  ASSERT_EQ(shown.value("state", ""), "review") << shown.dump(2) << "\n" << agent_output(task);
  std::string branch = "corral/" + task;
  EXPECT_EQ(file_on_branch(branch, "hello.txt"), "hello from codex\n");

  expect_hook_blocked_once(task, "Bash", "force_push");
  EXPECT_EQ(events_of(task, "tool.invoked").size(), 2u);
  std::vector<json> uses = events_of(task, "agent.tool_use");
  ASSERT_EQ(uses.size(), 2u) << "the blocked command never ran";
  EXPECT_NE(uses[0]["input"]["command"].get<std::string>().find("hello from codex"), std::string::npos);
  std::vector<json> ended = events_of(task, "agent.result");
  ASSERT_EQ(ended.size(), 1u);
  EXPECT_GT(ended[0]["input_tokens"].get<int64_t>(), 1000);

  std::vector<json> calls = events_of(task, "llm.call");
  ASSERT_EQ(calls.size(), 4u);
  for (const json& call : calls) {
    EXPECT_EQ(call["provider"], "openai");
    EXPECT_EQ(call["path"], "/v1/responses");
    EXPECT_EQ(call["status"], 200);
    EXPECT_GT(call["input_tokens"].get<int64_t>(), 0);
    EXPECT_GT(call["output_tokens"].get<int64_t>(), 0);
  }
  EXPECT_EQ(json::parse(provider_->requests()[0]["body"].get<std::string>())["model"], "gpt-test")
      << "the owner's model";
  expect_key_on_every_call(task, "authorization", std::string("Bearer ") + kRealKey);
  expect_key_kept_out(branch, "http://127.0.0.1:4141/v1");
}

}  // namespace
}  // namespace corral::e2e
