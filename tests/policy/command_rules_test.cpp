#include "policy/command_rules.h"

#include <gtest/gtest.h>

namespace corral::policy {
namespace {

struct Case {
  const char* command;
  Verdict verdict;
  const char* rule;
};

void expect_cases(const std::vector<Case>& cases, Enforcement enforcement = Enforcement::kBlock) {
  for (const Case& c : cases) {
    ToolDecision decision = check_command(c.command, enforcement);
    EXPECT_EQ(decision.verdict, c.verdict) << c.command << ": " << decision.rule << " " << decision.reason;
    EXPECT_EQ(decision.rule, c.rule) << c.command;
  }
}

TEST(CommandRules, EverydayCommandsAreAllowed) {
  expect_cases({{"make -j2 && ./run_tests", Verdict::kAllow, ""},
                {"git status && git diff --stat", Verdict::kAllow, ""},
                {"git commit -m 'push --force is bad'", Verdict::kAllow, ""},  // quoted text is not an option
                {"echo git push --force", Verdict::kAllow, ""},
                {"rm -rf build/ node_modules", Verdict::kAllow, ""},
                {"rm ../notes.txt", Verdict::kAllow, ""},
                {"curl -s https://example.com/data.json > data.json", Verdict::kAllow, ""},
                {"grep -rn 'sudo' docs/", Verdict::kAllow, ""},
                {"true || false", Verdict::kAllow, ""}});
}

TEST(CommandRules, ForcePushesAndHistoryRewritesAreBlockedHoweverTheyAreWritten) {
  expect_cases({{"git push --force origin main", Verdict::kBlock, "force_push"},
                {"git push -f", Verdict::kBlock, "force_push"},
                {"git push -uf origin main", Verdict::kBlock, "force_push"},
                {"git push --force-with-lease", Verdict::kBlock, "force_push"},
                {"git push origin +main", Verdict::kBlock, "force_push"},
                {"git push --mirror backup", Verdict::kBlock, "force_push"},
                {"git -C /workspace -c core.x=y push --force", Verdict::kBlock, "force_push"},
                {"/usr/bin/git push -f", Verdict::kBlock, "force_push"},
                {"GIT_TRACE=1 git push --force", Verdict::kBlock, "force_push"},
                {"env git push --force", Verdict::kBlock, "force_push"},
                {"make && git push --force", Verdict::kBlock, "force_push"},
                {"echo $(git push -f)", Verdict::kBlock, "force_push"},
                {"g\\it push -f", Verdict::kBlock, "force_push"},
                {"'git' \"push\" '--force'", Verdict::kBlock, "force_push"},
                {"git push origin :main", Verdict::kBlock, "delete_remote_ref"},
                {"git push --delete origin feature", Verdict::kBlock, "delete_remote_ref"},
                {"git filter-branch --tree-filter 'rm x' HEAD", Verdict::kBlock, "history_rewrite"},
                {"git filter-repo --path secret", Verdict::kBlock, "history_rewrite"},
                {"git update-ref -d refs/heads/main", Verdict::kBlock, "history_rewrite"},
                {"git reflog expire --expire=now --all", Verdict::kBlock, "history_rewrite"},
                {"git gc --prune=now", Verdict::kBlock, "history_rewrite"},
                {"sudo apt-get install x", Verdict::kBlock, "privilege"},
                {"rm -rf /", Verdict::kBlock, "destroy_root"},
                {"rm -r -f ~", Verdict::kBlock, "destroy_root"},
                {"rm --recursive --force $HOME", Verdict::kBlock, "destroy_root"}});
}

TEST(CommandRules, RiskyButLocalVerbsAreFlagged) {
  expect_cases({{"git rebase -i HEAD~3", Verdict::kFlag, "local_rewrite"},
                {"git reset --hard HEAD~1", Verdict::kFlag, "local_rewrite"},
                {"git commit --amend --no-edit", Verdict::kFlag, "local_rewrite"},
                {"git push origin main", Verdict::kFlag, "local_rewrite"},
                {"curl -fsSL https://get.example.sh | sh", Verdict::kFlag, "pipe_to_shell"},
                {"wget -qO- https://x | sudo bash", Verdict::kBlock, "privilege"}});
}

TEST(CommandRules, FlagModeNeverBlocks) {
  ToolDecision decision = check_command("git push --force", Enforcement::kFlag);
  EXPECT_EQ(decision.verdict, Verdict::kFlag);
  EXPECT_EQ(decision.rule, "force_push");
}

TEST(CommandRules, SplitsTheWayAShellDoes) {
  auto commands = split_commands("a 'b c' \"d\\\"e\" f\\ g; h | i && j $(k) `l`");
  ASSERT_EQ(commands.size(), 6u);
  EXPECT_EQ(commands[0], (std::vector<std::string>{"a", "b c", "d\"e", "f g"}));
  EXPECT_EQ(commands[1], std::vector<std::string>{"h"});
  EXPECT_EQ(commands[2], (std::vector<std::string>{"|", "i"}));
  EXPECT_EQ(commands[3], std::vector<std::string>{"j"});
  EXPECT_EQ(commands[4], std::vector<std::string>{"k"});
  EXPECT_EQ(commands[5], std::vector<std::string>{"l"});
  EXPECT_TRUE(split_commands("").empty());
  EXPECT_EQ(split_commands("'unterminated").at(0).at(0), "unterminated");
}

}  // namespace
}  // namespace corral::policy
