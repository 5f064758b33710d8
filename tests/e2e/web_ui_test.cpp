// The web UI in a real browser: a real daemon (runc sandboxes, shell
// commands as agents) serving web/dist on its TCP listener, and
// web/tests/ui.test.mjs driving Debian's Chromium with Playwright through
// sign-in, the live queue, a timeline, a review and its approval, the
// submitter's missing button and forged approval, CSRF, a hostile agent's
// output, and a revoked token. Screenshots land in build/web-ui-screenshots/.
#include <gtest/gtest.h>

#include <filesystem>

#include "tests/e2e/commit_fixture.h"

namespace corral::e2e {
namespace {

using WebUi = CommitE2E;

TEST_F(WebUi, AReviewerAndASubmitterInARealBrowser) {
  ASSERT_TRUE(std::filesystem::exists(testing::source_path("web/dist/index.html")))
      << "the web UI is not built: scripts/setup.sh builds it";
  ASSERT_TRUE(std::filesystem::exists("/usr/bin/chromium")) << "Chromium is missing: scripts/setup.sh installs it";
  settings({{"pin", "supervised"}});  // one approval
  std::string env = "UI_URL=" + quote(tcp_) + " UI_REPO=" + quote(upstream_id_) +
                    " UI_REVIEWER=" + quote(token("reviewer", "reviewer")) +
                    " UI_SUBMITTER=" + quote(token("submitter", "submitter")) +
                    " UI_OWNER=" + quote(token("owner", "owner")) + " UI_ADMIN=" + quote(token("admin", "admin")) +
                    " UI_SHOTS=" + quote(std::string(CORRAL_BINARY_DIR) + "/../web-ui-screenshots");
  auto run = sh(env + " timeout 300 node " + quote(testing::source_path("web/tests/ui.test.mjs")));
  std::printf("%s%s", run.out.c_str(), run.err.c_str());
  EXPECT_EQ(run.exit_code, 0) << "the browser tests failed (above)";
}

}  // namespace
}  // namespace corral::e2e
