// Whether a path a tool call names is spelled plainly: printable, canonical,
// one way to read it. A model (or whoever wrote what it read) can hide a
// different path behind characters that look like '.', '/' or '\', that
// show nothing, that turn the text around, or that a shell, a URL parser or
// Windows would read as something else. Such a path is refused, never
// cleaned up into an allowed one.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace corral::policy {

inline constexpr size_t kMaxPathBytes = 4096;    // PATH_MAX
inline constexpr size_t kMaxSegmentBytes = 255;  // NAME_MAX
inline constexpr size_t kMaxPathSegments = 64;   // deeper than any real repository's tree

struct SpellingProblem {
  std::string rule;    // control_character, invisible_character, bidi_control, lookalike_character,
                       // unicode_escape, segment_whitespace, shell_syntax, url_scheme, drive_letter,
                       // unc_path, too_long, too_deep
  std::string reason;  // for a person
};

// `path` is percent-decoded, well-formed UTF-8, as the tool call gave it
// ('\' not yet turned into '/'). nullopt: plainly spelled. Ordinary names
// stay allowed: any letters of any script, runs of dots ("a..b", "..."),
// spaces inside a name, `$` inside one (Java's `Outer$Inner.class`), a
// colon not followed by "//".
std::optional<SpellingProblem> spelling_problem(std::string_view path);

}  // namespace corral::policy
