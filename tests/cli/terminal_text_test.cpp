#include "cli/terminal_text.h"

#include <gtest/gtest.h>

#include <cstdio>

namespace corral::cli {
namespace {

TEST(ShownPatch, AnOrdinaryPatchIsShownAsItIs) {
  std::string patch =
      "diff --git a/x.txt b/x.txt\n"
      "index 0000000..1111111 100644\n"
      "--- a/x.txt\n"
      "+++ b/x.txt\n"
      "@@ -1,2 +1,2 @@\n"
      " same\n"
      "-old\n"
      "+new\n"
      "\\ No newline at end of file\n";
  EXPECT_EQ(shown_patch(patch), patch);
}

TEST(ShownPatch, LinesThatLookLikeHeadersCannotPassForThem) {
  std::string patch =
      "diff --git a/x.sql b/x.sql\n"
      "--- a/x.sql\n"
      "+++ b/x.sql\n"
      "@@ -1 +1,2 @@\n"
      "--- a comment\n"
      "+++ b/approved.txt\n"
      "+\x1b[2Jcleared\r\n";
  std::string shown = shown_patch(patch);
  EXPECT_NE(shown.find("--- a comment    <- a removed line\n"), std::string::npos) << shown;
  EXPECT_NE(shown.find("+++ b/approved.txt    <- an added line\n"), std::string::npos) << shown;
  EXPECT_NE(shown.find("+\\x1b[2Jcleared\\x0d\n"), std::string::npos) << shown;
}

TEST(ShownPatch, ALineOutsideTheStructureIsMarked) {
  // A file name with a newline, written raw into the header block.
  std::string patch =
      "diff --git a/evil b/evil\n"
      "approved by rita\n"
      "--- a/evil\n";
  EXPECT_NE(shown_patch(patch).find("? approved by rita    <- not part of the diff's structure\n"), std::string::npos);
}

TEST(ShownStream, ACharacterCutBetweenChunksIsShownWhole) {
  char* buffer = nullptr;
  size_t size = 0;
  std::FILE* out = ::open_memstream(&buffer, &size);
  ShownStream stream(out);
  std::string text = "caf\xc3\xa9 \x1b[31m";
  stream.write(text.substr(0, 4));  // ends in the first byte of "é"
  stream.write(text.substr(4));
  stream.finish();
  std::fclose(out);
  EXPECT_EQ(std::string(buffer, size), "café \\x1b[31m");
  std::free(buffer);
}

}  // namespace
}  // namespace corral::cli
