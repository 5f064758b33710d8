// The real Claude Code CLI (npm @anthropic-ai/claude-code, installed by
// scripts/setup.sh) run by the daemon in a sandbox, as the claude-code
// profile runs it, against a scripted model server that speaks the Anthropic
// streaming wire format over TLS. Between them: corral's LLM gateway (the
// real key is added outside the sandbox), the PreToolUse hook through the
// tool gate, and the budgets.
#include <gtest/gtest.h>

#include <algorithm>

#include "tests/e2e/agent_cli_fixture.h"

namespace corral::e2e {
namespace {

using nlohmann::json;

constexpr const char* kRealKey = "sk-ant-api03-the-real-key-only-corral-holds";

std::string claude_binary() { return agents_dir() + "/@anthropic-ai/claude-code/bin/claude.exe"; }

// The model's side of a session: write a file, try to read outside the
// workspace, then look for the key in the sandbox, then finish.
json session_script() {
  return {{"steps",
           {{{"tool", "Write"}, {"input", {{"file_path", "/workspace/hello.txt"}, {"content", "hello from claude\n"}}}},
            {{"tool", "Read"}, {"input", {{"file_path", "/etc/passwd"}}}},
            {{"tool", "Bash"},
             {"input",
              {{"command", key_probe_command("ANTHROPIC_BASE_URL", "ANTHROPIC_API_KEY", "sk-ant-api0[3]") +
                               "; ls -a /.corral/run > /workspace/run-dir.txt"},
               {"description", "look around"}}}},
            {{"text", "All done."}}}}};
}

class ClaudeCodeE2E : public AgentCliE2E {
 protected:
  void SetUp() override {
    ASSERT_TRUE(std::filesystem::exists(claude_binary()))
        << "Claude Code is not installed: scripts/setup.sh installs it into .cache/agents";
    start(session_script(), "anthropic", "claude=" + claude_binary(), kRealKey);
  }
};

TEST_F(ClaudeCodeE2E, EditsLandTheHookDeniesTokensAreCountedAndTheKeyStaysOut) {
  std::string task = submit("claude-code", "Add a greeting file");
  json shown = wait_for_state(task, "review", 120);
  ASSERT_EQ(shown.value("state", ""), "review") << shown.dump(2) << "\n" << agent_output(task);
  std::string branch = "corral/" + task;

  // Its file edit landed on the task branch, committed by corral.
  EXPECT_EQ(file_on_branch(branch, "hello.txt"), "hello from claude\n");
  // The hook asked the tool gate; reading outside the workspace was denied,
  // and the model was told why.
  expect_hook_blocked_once(task, "Read", "outside_workspace");
  std::vector<json> invoked = events_of(task, "tool.invoked");
  ASSERT_EQ(invoked.size(), 2u);
  EXPECT_EQ(invoked[0]["tool"], "Write");
  EXPECT_EQ(invoked[1]["tool"], "Bash");
  // Its stream-json output says what it did and saw.
  std::vector<json> uses = events_of(task, "agent.tool_use");
  ASSERT_EQ(uses.size(), 3u);
  EXPECT_EQ(uses[1]["tool"], "Read");
  EXPECT_EQ(uses[1]["input"]["file_path"], "/etc/passwd");
  std::vector<json> results = events_of(task, "agent.tool_result");
  ASSERT_EQ(results.size(), 3u);
  EXPECT_EQ(results[0]["is_error"], false);
  EXPECT_EQ(results[1]["is_error"], true) << "the denied read";
  std::vector<json> ended = events_of(task, "agent.result");
  ASSERT_EQ(ended.size(), 1u);
  EXPECT_EQ(ended[0]["is_error"], false);

  // Tokens were counted on every model call.
  std::vector<json> calls = events_of(task, "llm.call");
  ASSERT_GE(calls.size(), 4u);
  int64_t tokens = 0;
  for (const json& call : calls) {
    EXPECT_EQ(call["status"], 200);
    EXPECT_EQ(call["stream"], true);
    tokens += call["input_tokens"].get<int64_t>() + call["output_tokens"].get<int64_t>();
  }
  EXPECT_GT(tokens, 1000) << "Claude Code's system prompt alone is thousands of tokens";

  // The provider saw the real key on every call; the sandbox never had it.
  expect_key_on_every_call(task, "x-api-key", kRealKey);
  expect_key_kept_out(branch, "http://127.0.0.1:4141");
  EXPECT_NE(file_on_branch(branch, "run-dir.txt").find("claude-settings.json"), std::string::npos);
  std::string serve_log = testing::read_file(dir_ / "serve.log");
  EXPECT_EQ(serve_log.find(kRealKey), std::string::npos) << "nor does the daemon's log";
}

// The task's own budget (2 calls), under the repository's looser one (10).
TEST_F(ClaudeCodeE2E, ABudgetCutStopsTheRunCleanly) {
  local("PATCH", "/v1/repos/" + repo_id_ + "/settings", json{{"budget", {{"task_calls", 10}}}}.dump());
  json refused = local("POST", "/v1/tasks",
                       json{{"repo", repo()}, {"agent", "claude-code"}, {"prompt", "x"}, {"budget_calls", -1}}.dump());
  EXPECT_EQ(refused["error"]["code"], "invalid_argument") << refused.dump();
  std::string task = submit("claude-code", "Add a greeting file", "\"budget_calls\": 2");
  json shown = wait_for_state(task, "failed", 120);
  ASSERT_EQ(shown.value("state", ""), "failed") << shown.dump(2);
  EXPECT_NE(shown.dump().find("stopped by corral: the task token budget is spent"), std::string::npos) << shown.dump(2);
  EXPECT_NE(shown["runs"][0]["exit_code"], 137) << "asked to stop (SIGTERM), not killed";
  std::vector<json> exceeded = events_of(task, "budget.exceeded");
  ASSERT_EQ(exceeded.size(), 1u) << shown.dump(2);
  EXPECT_EQ(exceeded[0]["scope"], "task");
  EXPECT_EQ(exceeded[0]["calls_used"], 2);
  EXPECT_EQ(exceeded[0]["call_limit"], 2) << "the tighter of the task's and the repository's";
  EXPECT_EQ(events_of(task, "llm.call").size(), 2u);
  EXPECT_LE(provider_->requests().size(), 2u) << "no call got past the spent budget";
  EXPECT_EQ(events_of(task, "sandbox.destroyed").size(), 1u) << "the sandbox is gone";
  EXPECT_FALSE(std::filesystem::exists(data() + "/runs/" + shown["runs"][0].value("id", "")))
      << "and the run's directory with it";
}

// A repository's daily budget is shared by its tasks and survives a restart
// (the daemon counts what the store already recorded today).
TEST_F(ClaudeCodeE2E, TheDailyBudgetIsSharedByTasksAndSurvivesARestart) {
  local("PATCH", "/v1/repos/" + repo_id_ + "/settings", json{{"budget", {{"daily_calls", 6}}}}.dump());
  std::string first = submit("claude-code", "Add a greeting file");
  ASSERT_EQ(wait_for_state(first, "review", 120)["state"], "review");
  size_t first_calls = events_of(first, "llm.call").size();
  ASSERT_EQ(first_calls, 4u) << "three tool steps and the answer";
  EXPECT_EQ(events_of(first, "budget.warning").size(), 0u) << "4 of 6 is under 80%";

  stop_daemon(SIGTERM);
  start_daemon("--llm anthropic=" + provider_->base_url() + " --llm-key anthropic=env:CORRAL_TEST_KEY_anthropic" +
               " --llm-ca anthropic=" + quote(provider_->ca_file()) + " --agent-tool claude=" + quote(claude_binary()));
  ASSERT_TRUE(ready_);
  std::string second = submit("claude-code", "Add another greeting file");
  json shown = wait_for_state(second, "failed", 120);
  ASSERT_EQ(shown.value("state", ""), "failed") << shown.dump(2);
  EXPECT_NE(shown.value("reason", "").find("the repository_day token budget is spent"), std::string::npos)
      << shown.dump(2);
  std::vector<json> warned = events_of(second, "budget.warning");
  ASSERT_EQ(warned.size(), 1u);
  EXPECT_EQ(warned[0]["calls_used"], 5) << "counted from the first task's calls before the restart";
  std::vector<json> exceeded = events_of(second, "budget.exceeded");
  ASSERT_EQ(exceeded.size(), 1u);
  EXPECT_EQ(exceeded[0]["scope"], "repository_day");
  EXPECT_EQ(exceeded[0]["calls_used"], 6);
  EXPECT_EQ(events_of(second, "llm.call").size(), 2u);
}

// `corral run`, no daemon: the same run path as the daemon's (profile, LLM
// gateway with the real key outside, PreToolUse hook through the tool gate,
// token counting, task.routed), from the command line's own gateway flags.
class ClaudeCodeRunE2E : public CorralE2E {};

TEST_F(ClaudeCodeRunE2E, CorralRunTakesTheDaemonsRunPath) {
  ASSERT_TRUE(std::filesystem::exists(claude_binary())) << "scripts/setup.sh installs it into .cache/agents";
  testing::ScriptedModelServer provider(session_script());
  ASSERT_TRUE(provider.started());
  auto result = corral(
      "run --json --quiet --repo " + quote(repo()) + " --agent claude-code --llm anthropic=" + provider.base_url() +
          " --llm-key anthropic=env:CORRAL_TEST_RUN_KEY --llm-ca anthropic=" + quote(provider.ca_file()) +
          " --agent-tool claude=" + quote(claude_binary()) + " 'Add a greeting file'",
      std::string("CORRAL_TEST_RUN_KEY=") + kRealKey);
  ASSERT_EQ(result.exit_code, 0) << result.out << result.err;
  json out = parse(result);
  std::string task = out.value("task_id", "");
  std::string branch = out.value("branch", "");
  EXPECT_EQ(file_on_branch(branch, "hello.txt"), "hello from claude\n");

  std::vector<std::string> types = event_types(task);
  auto count = [&](const std::string& type) { return std::count(types.begin(), types.end(), type); };
  EXPECT_EQ(count("task.routed"), 1) << "routed by the repository's tier, as the daemon routes";
  EXPECT_EQ(count("tool.blocked"), 1) << "the hook asked the tool gate, which refused the read of /etc/passwd";
  EXPECT_EQ(count("tool.invoked"), 2);
  EXPECT_EQ(static_cast<size_t>(count("llm.call")), provider.requests().size()) << "every model call counted";
  EXPECT_GE(count("llm.call"), 4);
  for (const json& request : provider.requests()) EXPECT_EQ(request["headers"]["x-api-key"], kRealKey);
  std::string env = file_on_branch(branch, "env.txt");
  EXPECT_NE(env.find("key=run-token\n"), std::string::npos) << "only the run's own token:\n" << env;
  EXPECT_NE(env.find("key-in-env\n0\n"), std::string::npos) << env;
  EXPECT_EQ(file_on_branch(branch, "key-search.txt"), "") << "no file in the sandbox holds the key";
  expect_no_leftovers();
}

TEST_F(ClaudeCodeRunE2E, AProfileWithoutItsProviderIsRefusedWithTheFlagToGive) {
  auto result = corral("run --repo " + quote(repo()) + " --agent claude-code 'x'");
  EXPECT_EQ(result.exit_code, 2) << result.err;
  EXPECT_NE(result.err.find("--agent claude-code needs the anthropic model provider: give --llm anthropic=URL"),
            std::string::npos)
      << result.err;
  EXPECT_FALSE(std::filesystem::exists(data())) << "refused before anything was written";
}

}  // namespace
}  // namespace corral::e2e
