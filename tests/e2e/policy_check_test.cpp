// `corral policy check` as an owner uses it: one tool call, one answer.
#include "tests/e2e/e2e_fixture.h"

namespace corral::e2e {
namespace {

TEST_F(CorralE2E, PolicyCheckAnswersAllowFlagOrBlockWithTheRule) {
  auto blocked = corral("policy check --tool Read --arg file_path=/workspace/%2e%2e/etc/passwd");
  EXPECT_EQ(blocked.exit_code, 0);
  EXPECT_EQ(blocked.out, "block: outside_workspace (file_path) — '..' climbs out of /workspace\n");
  auto flagged = corral("policy check --mode flag --tool Bash --arg 'command=git push --force origin main'");
  EXPECT_EQ(flagged.out, "flag: force_push (command) — a forced push rewrites a branch others build on\n");
  auto allowed = corral("policy check --tool Write --arg file_path=src/app.c --arg content=x --json");
  auto json = nlohmann::json::parse(allowed.out);
  EXPECT_EQ(json["verdict"], "allow");
  EXPECT_EQ(json["normalized"], "src/app.c");
  auto internal = corral("policy check --tool WebFetch --arg url=https://localhost:443/ --allow-host localhost");
  EXPECT_EQ(internal.out, "block: internal_address (url) — 'localhost' resolves to 127.0.0.1, a loopback address\n")
      << internal.out;
  auto owners = corral("policy check --tool Read --arg path=secrets/db.txt --sensitive secrets/");
  EXPECT_EQ(owners.out.substr(0, 26), "block: sensitive_file (pat");
}

TEST_F(CorralE2E, PolicyCheckRefusesBadInputClearly) {
  auto bad_arg = corral("policy check --tool Read --arg nothing");
  EXPECT_EQ(bad_arg.exit_code, 2);
  EXPECT_EQ(bad_arg.err, "corral: --arg takes KEY=VALUE, not 'nothing'\n");
  auto bad_mode = corral("policy check --tool Read --arg path=x --mode maybe");
  EXPECT_EQ(bad_mode.exit_code, 2);
  EXPECT_NE(bad_mode.err.find("--mode is flag or block"), std::string::npos);
  EXPECT_EQ(corral("policy check --arg path=x").exit_code, 2) << "--tool is required";
}

}  // namespace
}  // namespace corral::e2e
