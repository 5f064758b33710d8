// `corral policy check` and `corral policy scan` as an owner uses them: one
// tool call, one answer; files, what the diff checks would find in them.
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

TEST_F(CorralE2E, PolicyScanRunsTheDiffChecksAndTheSecretScannerOverFiles) {
  std::string dir = dir_ / "scan";
  testing::write_file(dir + "/.env", "DB_PASSWORD=hunter2\n");
  testing::write_file(dir + "/.env.example", "DB_PASSWORD=\n");
  // A made-up token in GitHub's documented format: ghp_ and 36 letters and digits.
  testing::write_file(dir + "/src/client.ts",
                      "const a = 1;\nconst token = \"ghp_R8mK2qLx9TvWp4Nd7Hs3Jc6Fb1Gz5Ya0Ue2I\";\n");
  testing::write_file(dir + "/src/ok.c", "int main(void) { return 0; }\n");
  auto found = sh("cd " + quote(dir) + " && " + quote(testing::corral_binary()) +
                  " policy scan .env .env.example src/client.ts src/ok.c");
  EXPECT_EQ(found.exit_code, 1) << "a finding that refuses: " << found.out << found.err;
  EXPECT_NE(found.out.find("refuse: sensitive_file .env — "), std::string::npos) << found.out;
  EXPECT_NE(found.out.find("refuse: secret src/client.ts:2 — "), std::string::npos) << found.out;
  EXPECT_EQ(found.out.find(".env.example"), std::string::npos) << "a template is not sensitive: " << found.out;
  EXPECT_EQ(found.out.find("ok.c"), std::string::npos) << found.out;

  auto clean =
      sh("cd " + quote(dir) + " && " + quote(testing::corral_binary()) + " policy scan --json src/ok.c .env.example");
  EXPECT_EQ(clean.exit_code, 0) << clean.out << clean.err;
  EXPECT_EQ(nlohmann::json::parse(clean.out)["decision"], "pass");

  auto exempt =
      sh("cd " + quote(dir) + " && " + quote(testing::corral_binary()) + " policy scan --sensitive '!.env' .env");
  EXPECT_EQ(exempt.exit_code, 0) << "an owner's exemption: " << exempt.out;

  auto missing = corral("policy scan " + quote(dir + "/nothing-here"));
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find("nothing-here"), std::string::npos) << missing.err;
}

}  // namespace
}  // namespace corral::e2e
