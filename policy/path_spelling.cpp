#include "policy/path_spelling.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdio>
#include <utility>
#include <vector>

namespace corral::policy {
namespace {

using Range = std::pair<char32_t, char32_t>;  // inclusive

// Characters that print as nothing or as blank space other than ' '.
constexpr std::array kInvisible = {
    Range{0x00A0, 0x00A0}, Range{0x00AD, 0x00AD},   Range{0x034F, 0x034F},   Range{0x115F, 0x1160},
    Range{0x17B4, 0x17B5}, Range{0x180E, 0x180E},   Range{0x2000, 0x200D},   Range{0x2028, 0x2029},
    Range{0x202F, 0x202F}, Range{0x205F, 0x2064},   Range{0x206A, 0x206F},   Range{0x3000, 0x3000},
    Range{0x3164, 0x3164}, Range{0xFE00, 0xFE0F},   Range{0xFEFF, 0xFEFF},   Range{0xFFA0, 0xFFA0},
    Range{0xFFF9, 0xFFFB}, Range{0x1D173, 0x1D17A}, Range{0xE0000, 0xE007F}, Range{0xE0100, 0xE01EF},
};
// Marks and overrides that reorder how the text shows.
constexpr std::array kBidi = {Range{0x061C, 0x061C}, Range{0x200E, 0x200F}, Range{0x202A, 0x202E},
                              Range{0x2066, 0x2069}};
// Look-alikes of '.', '/' and '\' (leaders, fullwidth and small forms,
// division, fraction and set-minus signs, solidus operators, radicals).
constexpr std::array kLookalikes = {
    Range{0x0701, 0x0702}, Range{0x1735, 0x1735}, Range{0x2024, 0x2026}, Range{0x2044, 0x2044}, Range{0x2215, 0x2216},
    Range{0x2571, 0x2572}, Range{0x27CB, 0x27CB}, Range{0x27CD, 0x27CD}, Range{0x29F5, 0x29F5}, Range{0x29F8, 0x29F9},
    Range{0x2F03, 0x2F03}, Range{0x3002, 0x3002}, Range{0xA4F8, 0xA4F9}, Range{0xFE30, 0xFE30}, Range{0xFE52, 0xFE52},
    Range{0xFE68, 0xFE68}, Range{0xFF0E, 0xFF0F}, Range{0xFF3C, 0xFF3C}, Range{0xFF61, 0xFF61},
};
// Schemes Java's URL class and browsers accept, taken as paths by some tools.
constexpr std::array<std::string_view, 24> kSchemes = {
    "file",        "http", "https", "ftp",        "ftps",     "jar",    "jrt",    "netdoc",
    "mailto",      "data", "blob",  "javascript", "vbscript", "about",  "chrome", "resource",
    "view-source", "ws",   "wss",   "smb",        "nfs",      "gopher", "ldap",   "sftp"};

template <size_t N>
bool in(const std::array<Range, N>& ranges, char32_t c) {
  return std::any_of(ranges.begin(), ranges.end(), [c](Range r) { return c >= r.first && c <= r.second; });
}

// The code points of well-formed UTF-8.
std::vector<char32_t> code_points(std::string_view text) {
  std::vector<char32_t> out;
  for (size_t i = 0; i < text.size();) {
    auto c = static_cast<unsigned char>(text[i]);
    size_t length = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : 4;
    char32_t code = length == 1 ? c : length == 2 ? c & 0x1F : length == 3 ? c & 0x0F : c & 0x07;
    for (size_t k = 1; k < length && i + k < text.size(); ++k) code = (code << 6) | (text[i + k] & 0x3F);
    out.push_back(code);
    i += length;
  }
  return out;
}

std::string u_plus(char32_t c) {
  char buffer[16];
  std::snprintf(buffer, sizeof buffer, "U+%04X", static_cast<unsigned>(c));
  return buffer;
}

std::optional<SpellingProblem> character_problem(std::string_view path) {
  for (char32_t c : code_points(path)) {
    if (c < 0x20 || c == 0x7F || (c >= 0x80 && c <= 0x9F)) {
      return SpellingProblem{"control_character", "the path holds control character " + u_plus(c)};
    }
    if (in(kBidi, c)) return SpellingProblem{"bidi_control", "the path holds " + u_plus(c) + ", which reorders text"};
    if (in(kInvisible, c)) return SpellingProblem{"invisible_character", "the path holds invisible " + u_plus(c)};
    if (in(kLookalikes, c)) {
      return SpellingProblem{"lookalike_character",
                             "the path holds " + u_plus(c) + ", which looks like '.', '/' or '\\'"};
    }
  }
  return std::nullopt;
}

bool is_hex(char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0; }

// IIS's %uXXXX, which no decoder here undoes and some servers do.
bool has_unicode_escape(std::string_view path) {
  for (size_t i = 0; i + 6 <= path.size(); ++i) {
    if (path[i] == '%' && (path[i + 1] == 'u' || path[i + 1] == 'U') && is_hex(path[i + 2]) && is_hex(path[i + 3]) &&
        is_hex(path[i + 4]) && is_hex(path[i + 5])) {
      return true;
    }
  }
  return false;
}

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::optional<SpellingProblem> form_problem(std::string_view path) {
  if (path.starts_with("//") || path.starts_with("\\\\") || path.starts_with("/\\") || path.starts_with("\\/")) {
    return SpellingProblem{"unc_path", "the path is a network (UNC) or device path"};
  }
  size_t colon = path.find(':');
  std::string_view head = path.substr(0, colon);
  bool scheme_like = colon != std::string_view::npos && !head.empty() &&
                     std::isalpha(static_cast<unsigned char>(head[0])) &&
                     std::all_of(head.begin(), head.end(), [](char c) {
                       return std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '-' || c == '.';
                     });
  if (scheme_like && head.size() == 1) {
    return SpellingProblem{"drive_letter", "'" + std::string(path.substr(0, 2)) + "' is a Windows drive"};
  }
  if (scheme_like && (std::find(kSchemes.begin(), kSchemes.end(), lower(head)) != kSchemes.end() ||
                      path.substr(colon + 1).starts_with("//"))) {
    return SpellingProblem{"url_scheme", "'" + std::string(head) + ":' makes the path a URL"};
  }
  if (path.find('`') != std::string_view::npos || path.find("$(") != std::string_view::npos ||
      path.find("${") != std::string_view::npos) {
    return SpellingProblem{"shell_syntax", "the path holds shell syntax (a substitution)"};
  }
  return std::nullopt;
}

std::optional<SpellingProblem> segment_problem(std::string_view path) {
  size_t segments = 0;
  size_t start = 0;
  while (start <= path.size()) {
    size_t end = path.find_first_of("/\\", start);
    if (end == std::string_view::npos) end = path.size();
    std::string_view segment = path.substr(start, end - start);
    start = end + 1;
    if (segment.empty()) continue;
    if (++segments > kMaxPathSegments) {
      return SpellingProblem{"too_deep", "the path is more than " + std::to_string(kMaxPathSegments) + " folders deep"};
    }
    if (segment.size() > kMaxSegmentBytes) {
      return SpellingProblem{"too_long",
                             "a name in the path is longer than " + std::to_string(kMaxSegmentBytes) + " bytes"};
    }
    if (segment.front() == ' ' || segment.back() == ' ') {
      return SpellingProblem{"segment_whitespace", "'" + std::string(segment) + "' starts or ends with a space"};
    }
    if (segment.size() > 1 && segment[0] == '$' &&
        (std::isalnum(static_cast<unsigned char>(segment[1])) || segment[1] == '_')) {
      return SpellingProblem{"shell_syntax", "'" + std::string(segment) + "' is a shell variable"};
    }
  }
  return std::nullopt;
}

}  // namespace

std::optional<SpellingProblem> spelling_problem(std::string_view path) {
  if (path.size() > kMaxPathBytes) {
    return SpellingProblem{"too_long", "the path is longer than " + std::to_string(kMaxPathBytes) + " bytes"};
  }
  if (auto problem = character_problem(path)) return problem;
  if (has_unicode_escape(path)) return SpellingProblem{"unicode_escape", "the path holds a %uXXXX escape"};
  if (auto problem = form_problem(path)) return problem;
  return segment_problem(path);
}

}  // namespace corral::policy
