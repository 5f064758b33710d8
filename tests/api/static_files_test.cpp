// The web UI's files as the daemon serves them: only what the folder held,
// each with its content type, cache rule, gzip when asked, and the security
// headers; the UI's own routes get index.html.
#include "api/static_files.h"

#include <gtest/gtest.h>

#include <map>

#include "tests/support/test_support.h"

namespace corral::api {
namespace {

std::map<std::string, std::string> headers_of(const StaticAnswer& answer) {
  return {answer.headers.begin(), answer.headers.end()};
}

TEST(StaticFiles, ServesWhatWasBuiltWithItsTypeCacheRuleAndGzip) {
  corral::testing::TempDir dir;
  std::string root = dir / "ui";
  corral::testing::write_file(root + "/index.html", "<!doctype html><script src=/app-PXMAE4QZ.js></script>");
  corral::testing::write_file(root + "/app-PXMAE4QZ.js", "console.log(1)");
  corral::testing::write_file(root + "/app-PXMAE4QZ.js.gz", "GZIPPED");
  corral::testing::write_file(root + "/assets/app-7Q2LMN3X.css", "body{}");
  corral::testing::write_file(dir / "secret.txt", "outside the root");
  auto files = StaticFiles::load(root);
  ASSERT_TRUE(files.is_ok()) << files.status().to_string();
  EXPECT_EQ(files->file_count(), 3u) << "the .gz is a variant, not a file of its own";

  StaticAnswer index = files->answer("/", true);
  EXPECT_EQ(index.status, 200);
  EXPECT_EQ(headers_of(index)["Content-Type"], "text/html; charset=utf-8");
  EXPECT_EQ(headers_of(index)["Cache-Control"], "no-cache") << "index.html names the hashed files: revalidated";
  EXPECT_NE(headers_of(index)["Content-Security-Policy"].find("script-src 'self'"), std::string::npos);
  EXPECT_NE(headers_of(index)["Content-Security-Policy"].find("frame-ancestors 'none'"), std::string::npos);
  EXPECT_EQ(headers_of(index)["X-Content-Type-Options"], "nosniff");

  StaticAnswer script = files->answer("/app-PXMAE4QZ.js", true);
  EXPECT_EQ(script.body, "GZIPPED");
  EXPECT_EQ(headers_of(script)["Content-Encoding"], "gzip");
  EXPECT_EQ(headers_of(script)["Content-Type"], "text/javascript; charset=utf-8");
  EXPECT_EQ(headers_of(script)["Cache-Control"], "public, max-age=31536000, immutable");
  EXPECT_EQ(headers_of(script)["Vary"], "Accept-Encoding");
  StaticAnswer plain = files->answer("/app-PXMAE4QZ.js", false);
  EXPECT_EQ(plain.body, "console.log(1)");
  EXPECT_FALSE(headers_of(plain).contains("Content-Encoding"));
  EXPECT_EQ(headers_of(files->answer("/assets/app-7Q2LMN3X.css", false))["Content-Type"], "text/css; charset=utf-8");

  // The UI's routes load the app; a missing asset is a 404; nothing outside
  // the folder is ever read, however the path is spelled.
  EXPECT_EQ(files->answer("/tasks/task-123", false).body, index.body);
  EXPECT_EQ(files->answer("/reviews", false).body, index.body);
  EXPECT_EQ(files->answer("/missing-ABCDEFGH.js", false).status, 404);
  EXPECT_EQ(files->answer("/etc", false).status, 404) << "not a page of the UI";
  for (const char* path : {"/../secret.txt", "/%2e%2e/secret.txt", "/assets/../../secret.txt"}) {
    StaticAnswer answer = files->answer(path, false);
    EXPECT_EQ(answer.body.find("outside the root"), std::string::npos) << path;
  }
}

TEST(StaticFiles, AFolderWithoutIndexHtmlIsRefusedWithWhatIsMissing) {
  corral::testing::TempDir dir;
  auto files = StaticFiles::load(dir.path());
  ASSERT_FALSE(files.is_ok());
  EXPECT_NE(files.status().message().find("no index.html"), std::string::npos) << files.status().to_string();
}

}  // namespace
}  // namespace corral::api
