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

  bool model_was_told(const std::string& text) const {
    for (const nlohmann::json& request : provider_->requests()) {
      if (request["body"].get<std::string>().find(text) != std::string::npos) return true;
    }
    return false;
  }

  std::unique_ptr<testing::ScriptedModelServer> provider_;
  std::string repo_id_;
};

}  // namespace corral::e2e
