#include "core/visible_text.h"

#include <gtest/gtest.h>
#include <spdlog/spdlog.h>

#include "core/logging.h"

namespace corral {
namespace {

// No byte a terminal acts on survives: C0 but newline and tab, DEL, and the
// UTF-8 of C1 controls and invisible format characters.
bool has_raw_control(std::string_view text) {
  for (size_t i = 0; i < text.size(); ++i) {
    auto byte = static_cast<unsigned char>(text[i]);
    if ((byte < 0x20 && byte != '\n' && byte != '\t') || byte == 0x7F) return true;
    if (byte == 0xC2 && i + 1 < text.size() && static_cast<unsigned char>(text[i + 1]) <= 0x9F) return true;
  }
  return text.find("\u202e") != std::string_view::npos || text.find("\u200b") != std::string_view::npos;
}

TEST(VisibleText, ControlsAndEscapeSequencesAreShownNotActedOn) {
  struct Case {
    std::string raw, shown;
  };
  for (const Case& c : std::vector<Case>{
           {"\x1b[2J", "\\x1b[2J"},                     // clear screen
           {"\x1b]0;pwned\x07", "\\x1b]0;pwned\\x07"},  // OSC window title
           {"ok\rFAKE", "ok\\x0dFAKE"},                 // carriage return overwrite
           {std::string("a\0b", 3), "a\\x00b"},         // NUL
           {"del\x7f", "del\\x7f"},                     // DEL
           {"\xc2\x9b"
            "31m",
            "\\u009b31m"},                                // C1 CSI
           {"evil\u202etxt.exe", "evil<U+202E>txt.exe"},  // right-to-left override
           {"zero\u200bwidth\ufeff", "zero<U+200B>width<U+FEFF>"},
           {"bad \xff\xfe utf8", "bad \\xff\\xfe utf8"},  // not UTF-8
           {"\xc0\xaf", "\\xc0\\xaf"},                    // overlong '/'
           {"\xed\xa0\x80", "\\xed\\xa0\\x80"},           // a surrogate
       }) {
    EXPECT_EQ(visible(c.raw), c.shown);
    EXPECT_FALSE(has_raw_control(visible(c.raw))) << c.shown;
  }
}

TEST(VisibleText, OrdinaryTextIsUntouched) {
  for (std::string text :
       {"plain ascii", "naïve café — 日本語 🙂", "tabs\tand\nnewlines", "C:\\path\\x1b literal"}) {
    EXPECT_EQ(visible(text), text);
  }
  // Even where it joins an emoji, a zero-width joiner is invisible: shown, as the path rules see it.
  EXPECT_EQ(visible("👩\u200d💻"), "👩<U+200D>💻");
}

TEST(VisibleText, InlineFieldsShowTheirNewlinesAndTabs) {
  EXPECT_EQ(visible_inline("name\n+++ b/fake\tx"), "name\\n+++ b/fake\\tx");
  EXPECT_EQ(visible("name\n+++ b/fake"), "name\n+++ b/fake");
}

// The daemon's logs quote what agents wrote (file names, reasons); an
// operator reads them in a terminal too.
TEST(VisibleText, LogLinesShowWhatTheyQuote) {
  setup_logging();
  ::testing::internal::CaptureStderr();
  spdlog::error("conflicts in {}", "evil\x1b[2J\nfake line\u202e.txt");
  std::string logged = ::testing::internal::GetCapturedStderr();
  EXPECT_NE(logged.find("conflicts in evil\\x1b[2J\\nfake line<U+202E>.txt"), std::string::npos) << logged;
  EXPECT_FALSE(has_raw_control(logged.substr(logged.find("conflicts")))) << logged;
}

}  // namespace
}  // namespace corral
