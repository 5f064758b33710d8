#include "runner/gateways/tool_gate.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <vector>

namespace corral::runner {
namespace {

struct Seen {
  std::vector<std::pair<std::string, nlohmann::json>> events;
  EmitEvent emit() {
    return [this](const std::string& type, const nlohmann::json& payload) { events.emplace_back(type, payload); };
  }
};

TEST(ToolGate, AnswersOneLineAndRecordsEveryDecision) {
  ToolGatePolicy gate;
  Seen seen;
  EXPECT_EQ(
      decide_tool_request(R"({"tool_name":"Read","tool_input":{"file_path":"/workspace/a.c"}})", gate, seen.emit()),
      "allow");
  std::string blocked =
      decide_tool_request(R"({"tool":"read_file","arguments":{"path":"../../etc/passwd"}})", gate, seen.emit());
  EXPECT_EQ(blocked.rfind("block outside_workspace: ", 0), 0u) << blocked;
  ASSERT_EQ(seen.events.size(), 2u);
  EXPECT_EQ(seen.events[0].first, "tool.invoked");
  EXPECT_EQ(seen.events[1].first, "tool.blocked");
  EXPECT_EQ(seen.events[1].second["tool"], "read_file");
  EXPECT_EQ(seen.events[1].second["argument"], "path");
}

TEST(ToolGate, FlagModeLetsTheCallThroughAndSaysSo) {
  ToolGatePolicy gate;
  gate.tools.enforcement = policy::Enforcement::kFlag;
  gate.tools.paths.enforcement = policy::Enforcement::kFlag;
  Seen seen;
  std::string answer = decide_tool_request(
      R"({"tool_name":"Bash","tool_input":{"command":"git push --force origin main"}})", gate, seen.emit());
  EXPECT_EQ(answer.rfind("flag force_push: ", 0), 0u) << answer;
  ASSERT_EQ(seen.events.size(), 1u);
  EXPECT_EQ(seen.events[0].first, "tool.flagged");
  EXPECT_EQ(seen.events[0].second["rule"], "force_push");
}

TEST(ToolGate, HostileRequestsAreBlockedAndLongArgumentsCutInEvents) {
  ToolGatePolicy gate;
  Seen seen;
  for (const char* bad : {"", "not json", "[1,2]", "{\"tool_name\":\"Write\"}", "{\"tool_name\":5,\"tool\":[]}",
                          "{\"tool_name\":\"Read\",\"tool_input\":\"/etc/passwd\"}"}) {
    EXPECT_EQ(decide_tool_request(bad, gate, seen.emit()).rfind("block ", 0), 0u) << bad;
  }
  std::string content(100000, 'x');
  nlohmann::json big = {{"tool_name", "Write"},
                        {"tool_input", {{"file_path", "/workspace/big.txt"}, {"content", content}}}};
  EXPECT_EQ(decide_tool_request(big.dump(), gate, seen.emit()), "allow");
  EXPECT_LT(seen.events.back().second["arguments"]["content"].get<std::string>().size(), 1100u);
}

}  // namespace
}  // namespace corral::runner
