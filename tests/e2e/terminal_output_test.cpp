// What an agent writes reaches a person's terminal only shown, never acted
// on: a hostile agent (agents/hostile_terminal.sh) puts escape sequences,
// bidirectional overrides, NUL, carriage returns and fake diff headers in its
// output, report, file names and lines, and every command that prints them
// is checked byte by byte. --json keeps the exact text.
#include "tests/e2e/daemon_fixture.h"

namespace corral::e2e {
namespace {

// The first byte a terminal would act on (C0 but newline and tab, DEL, the
// UTF-8 of C1 controls, bidi overrides and zero-width characters), or "" if
// none: its offset and the bytes around it.
std::string first_raw_control(const std::string& text) {
  auto at = [&](size_t i) { return static_cast<unsigned char>(text[i]); };
  for (size_t i = 0; i < text.size(); ++i) {
    bool c0 = (at(i) < 0x20 && at(i) != '\n' && at(i) != '\t') || at(i) == 0x7F;
    bool c1 = at(i) == 0xC2 && i + 1 < text.size() && at(i + 1) >= 0x80 && at(i + 1) <= 0x9F;
    bool format = at(i) == 0xE2 && i + 2 < text.size() && at(i + 1) == 0x80 &&
                  ((at(i + 2) >= 0x8B && at(i + 2) <= 0x8F) || (at(i + 2) >= 0xAA && at(i + 2) <= 0xAE));
    if (c0 || c1 || format) {
      return "byte " + std::to_string(i) + " in ..." + text.substr(i > 40 ? i - 40 : 0, 80) + "...";
    }
  }
  return "";
}

// Checks what a command printed (stdout and stderr): nothing raw, and the
// sequences the agent wrote shown visibly.
void expect_shown(const std::string& what, const testing::CommandResult& result,
                  const std::vector<std::string>& visible) {
  EXPECT_EQ(first_raw_control(result.out), "") << what << " (stdout)";
  EXPECT_EQ(first_raw_control(result.err), "") << what << " (stderr)";
  for (const std::string& shown : visible) {
    EXPECT_NE((result.out + result.err).find(shown), std::string::npos) << what << " should show " << shown << ":\n"
                                                                        << result.out << result.err;
  }
}

class TerminalOutput : public DaemonE2E {
 protected:
  // The hostile agent, committed into the repository so a task runs it.
  std::string hostile_task() {
    std::filesystem::copy_file(agents() + "/hostile_terminal.sh", repo() + "/hostile_terminal.sh");
    git("add hostile_terminal.sh");
    git("-c user.name=t -c user.email=t@t commit -qm 'the hostile agent'");
    return submit("sh hostile_terminal.sh", "make a mess of the terminal");
  }
};

TEST_F(TerminalOutput, EveryCommandShowsWhatTheAgentWroteAndActsOnNone) {
  std::string task = hostile_task();
  auto shown = wait_for_state(task, "review");
  ASSERT_EQ(shown.value("state", ""), "review") << shown.dump();

  auto logs = corral("task logs " + task);
  expect_shown(
      "task logs", logs,
      {"\\x1b[2J", "\\x1b]0;owned\\x07", "passed\\x0dtests FAILED", "<U+202E>", "<U+200B>", "a\\x00b", "\\u009b31m"});
  expect_shown("task logs --follow", corral("task logs --follow " + task), {"\\x1b[2J", "<U+202E>"});
  auto events = corral("events " + task);
  expect_shown("events", events, {"\\x1b[2J", "\\x1b[32mAPPROVED"});
  EXPECT_EQ(events.out.find("\n+++ b/approved.txt"), std::string::npos)
      << "agent output cannot start a line of its own in the event list:\n"
      << events.out;
  expect_shown("task show", corral("task show " + task), {});
  expect_shown("task list", corral("task list"), {});
  auto review = corral("review show " + task);
  expect_shown("review show", review,
               {"esc\\x1b[31mred.txt", "bidi<U+202E>txt.exe", "+\\x1b[2Jcleared\\x0d",
                "+++ b/approved.txt    <- an added line", "+-- a comment"});
  EXPECT_EQ(review.out.find("\nline.txt"), std::string::npos)
      << "a newline in a file name cannot start a line of its own:\n"
      << review.out;
  expect_shown("review list", corral("review list"), {});
  expect_shown("repo show", corral("repo show " + quote(repo())), {});

  // --json carries the exact text, escaped by the JSON encoder alone.
  auto json_events = corral("events --json " + task);
  EXPECT_EQ(first_raw_control(json_events.out), "") << "JSON escapes its control characters";
  std::string output;
  std::istringstream lines(json_events.out);
  for (std::string line; std::getline(lines, line);) {
    auto event = nlohmann::json::parse(line);
    if (event["type"] == "agent.output") output += event["payload"]["text"].get<std::string>();
  }
  for (std::string exact : {std::string("start\x1b[2J\x1b[Hcleared\n"), std::string("tests passed\rtests FAILED\n"),
                            std::string("bidi \u202e"
                                        "exe.txt\n"),
                            std::string("nul a\0b\n", 8)}) {
    EXPECT_NE(output.find(exact), std::string::npos) << "--json round-trips " << nlohmann::json(exact).dump();
  }
}

using TerminalOutputOneShot = CorralE2E;

TEST_F(TerminalOutputOneShot, CorralRunShowsTheAgentsOutputAndFilesAndActsOnNone) {
  auto result = corral("run --repo " + quote(repo()) + " --mount-ro " + quote(agents() + ":/opt/agents") + " --agent " +
                       quote(agent("hostile_terminal.sh")) + " --show-diff 'make a mess'");
  EXPECT_EQ(result.exit_code, 0) << result.err;
  expect_shown("corral run --show-diff", result,
               {"\\x1b[2J", "\\x1b]0;owned\\x07", "<U+202E>", "esc\\x1b[31mred.txt", "new\\nline.txt",
                "+++ b/approved.txt    <- an added line"});
  auto json = run_agent(agent("hostile_terminal.sh"), "make a mess");
  EXPECT_EQ(first_raw_control(json.out), "") << "JSON escapes its control characters";
  EXPECT_EQ(parse(json)["status"], "succeeded");
}

}  // namespace
}  // namespace corral::e2e
