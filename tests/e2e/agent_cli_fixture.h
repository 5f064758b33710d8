// A daemon with the LLM gateway in front of a scripted model server (TLS, a
// certificate made for the test) and a real agent CLI from .cache/agents
// (installed by scripts/setup.sh), for end-to-end tests of agent profiles.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <memory>

#include "tests/e2e/daemon_fixture.h"
#include "tests/support/model_server.h"

namespace corral::e2e {

inline std::string agents_dir() { return testing::source_path(".cache/agents/node_modules"); }

// A shell step for the scripted model: what the sandbox holds for the model
// (the base URL variable, whether the key variable is the run's token), how
// often `key_pattern` occurs in its environment, and which files hold it.
// The pattern is a regex that does not match its own text (the agents keep
// the command in their transcripts): "sk-ant-api0[3]", say. No $(...):
// Gemini CLI refuses command substitution.
inline std::string key_probe_command(const std::string& url_variable, const std::string& key_variable,
                                     const std::string& key_pattern) {
  return "{ echo \"base=$" + url_variable + "\"; case \"$" + key_variable +
         "\" in crt_*) echo key=run-token;; *) echo key=other;; esac; echo key-in-env; env | grep -c '" + key_pattern +
         "'; } > /workspace/env.txt; grep -rlE '" + key_pattern +
         "' /workspace /home /tmp /.corral/run > /workspace/key-search.txt; true";
}

class AgentCliE2E : public DaemonE2E {
 protected:
  // Starts the provider with `script` and the daemon in front of it.
  // `provider`: anthropic, openai or gemini; `tool`: the --agent-tool value.
  void start(const nlohmann::json& script, const std::string& provider, const std::string& tool_flag,
             const std::string& real_key) {
    CorralE2E::SetUp();
    provider_ = std::make_unique<testing::ScriptedModelServer>(script);
    ASSERT_TRUE(provider_->started());
    std::string variable = "CORRAL_TEST_KEY_" + provider;
    ::setenv(variable.c_str(), real_key.c_str(), 1);  // the daemon inherits it; the sandbox never does
    start_daemon("--llm " + provider + "=" + provider_->base_url() + " --llm-key " + provider + "=env:" + variable +
                 " --llm-ca " + provider + "=" + quote(provider_->ca_file()) + " --agent-tool " + quote(tool_flag));
    ASSERT_TRUE(ready_) << testing::read_file(dir_ / "serve.log");
    auto added = local("POST", "/v1/repos", nlohmann::json{{"path", repo()}}.dump());
    repo_id_ = added.value("id", "");
    ASSERT_FALSE(repo_id_.empty()) << added.dump();
  }

  void SetUp() override {}  // each test calls start()

  // The payloads of a task's events of one type, in order.
  std::vector<nlohmann::json> events_of(const std::string& task, const std::string& type) const {
    std::vector<nlohmann::json> found;
    nlohmann::json page = local("GET", "/v1/events?limit=1000&type=" + type + "&task=" + task);
    EXPECT_TRUE(page.contains("events")) << page.dump();
    for (const nlohmann::json& event : page["events"]) {
      if (event.value("type", "") == type) found.push_back(event["payload"]);
    }
    return found;
  }

  // What the agent printed, for failure messages.
  std::string agent_output(const std::string& task) const {
    std::string output;
    for (const nlohmann::json& chunk : events_of(task, "agent.output")) output += chunk.value("text", "");
    return output;
  }

  // The hook refused exactly one call, of `tool`, by `rule`, and the model was told the rule.
  void expect_hook_blocked_once(const std::string& task, const std::string& tool, const std::string& rule) const {
    std::vector<nlohmann::json> blocked = events_of(task, "tool.blocked");
    ASSERT_EQ(blocked.size(), 1u) << agent_output(task);
    EXPECT_EQ(blocked[0]["tool"], tool);
    EXPECT_EQ(blocked[0]["rule"], rule);
    EXPECT_TRUE(model_was_told(rule)) << "the hook's reason reaches the model as the tool's result";
  }

  // Every llm.call went to the provider, which saw corral's key in `header` (as `value`) each time.
  void expect_key_on_every_call(const std::string& task, const std::string& header, const std::string& value) const {
    std::vector<nlohmann::json> requests = provider_->requests();
    ASSERT_EQ(requests.size(), events_of(task, "llm.call").size());
    for (const nlohmann::json& request : requests) EXPECT_EQ(request["headers"][header], value);
  }

  bool model_was_told(const std::string& text) const {
    for (const nlohmann::json& request : provider_->requests()) {
      if (request["body"].get<std::string>().find(text) != std::string::npos) return true;
    }
    return false;
  }

  // What key_probe_command found: the gateway's URL, the run's token, no key anywhere.
  void expect_key_kept_out(const std::string& branch, const std::string& base_url) const {
    std::string env = file_on_branch(branch, "env.txt");
    EXPECT_NE(env.find("base=" + base_url + "\n"), std::string::npos) << env;
    EXPECT_NE(env.find("key=run-token\n"), std::string::npos) << "only the run's own token:\n" << env;
    EXPECT_NE(env.find("key-in-env\n0\n"), std::string::npos) << env;
    EXPECT_EQ(file_on_branch(branch, "key-search.txt"), "") << "no file in the sandbox holds the key";
  }

  std::unique_ptr<testing::ScriptedModelServer> provider_;
  std::string repo_id_;
};

}  // namespace corral::e2e
