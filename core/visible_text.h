// Text corral did not write (an agent's output, its file names, a reason
// that quotes them), made safe to show a person in a terminal or a log:
// what they read is what is there, and nothing in it can move the cursor,
// clear the screen, retitle the window or reorder the line.
//
// Shown visibly instead of acted on:
//   - C0 controls but newline and tab (ESC, CR, NUL, BEL...), DEL: "\x1b";
//   - C1 controls (U+0080-U+009F): "\u009b";
//   - bidirectional overrides and isolates, zero-width and other invisible
//     format characters (U+00AD, U+061C, U+180E, U+200B-U+200F,
//     U+202A-U+202E, U+2060-U+2069, U+FEFF): "<U+202E>";
//   - bytes that are not UTF-8: "\xff".
// Backslashes stay as they are: text that spells "\x1b" is harmless.
#pragma once

#include <string>
#include <string_view>

namespace corral {

// Text of many lines (agent output): newlines and tabs kept.
std::string visible(std::string_view text);

// A field on one line (a file name, a reason, a prompt in a table): newlines
// and tabs shown too ("\n", "\t"), so it cannot start a line of its own.
std::string visible_inline(std::string_view text);

}  // namespace corral
