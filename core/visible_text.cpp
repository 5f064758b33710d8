#include "core/visible_text.h"

#include <cstdio>

namespace corral {
namespace {

bool is_invisible_format(char32_t code) {
  return code == 0x00AD || code == 0x061C || code == 0x180E || (code >= 0x200B && code <= 0x200F) ||
         (code >= 0x202A && code <= 0x202E) || (code >= 0x2060 && code <= 0x2069) || code == 0xFEFF;
}

std::string hex_byte(unsigned char byte) {
  char text[8];
  std::snprintf(text, sizeof text, "\\x%02x", byte);
  return text;
}

// The length of the UTF-8 sequence starting at `text[0]` and its code point;
// 0 if it is not a valid (shortest-form, non-surrogate) sequence, or is cut
// short by the end of `text`.
size_t decode(std::string_view text, char32_t& code) {
  auto byte = [&](size_t i) { return static_cast<unsigned char>(text[i]); };
  unsigned char lead = byte(0);
  size_t length = lead < 0x80 ? 1 : (lead >> 5) == 0x6 ? 2 : (lead >> 4) == 0xE ? 3 : (lead >> 3) == 0x1E ? 4 : 0;
  if (length == 0 || length > text.size()) return 0;
  code = length == 1 ? lead : lead & (0x7F >> length);
  for (size_t i = 1; i < length; ++i) {
    if ((byte(i) & 0xC0) != 0x80) return 0;
    code = (code << 6) | (byte(i) & 0x3F);
  }
  static constexpr char32_t kSmallest[] = {0, 0, 0x80, 0x800, 0x10000};
  if (code < kSmallest[length] || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) return 0;
  return length;
}

std::string escape(std::string_view text, bool keep_layout) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    char32_t code = 0;
    size_t length = decode(text.substr(i), code);
    if (length == 0) {
      out += hex_byte(static_cast<unsigned char>(text[i]));
      ++i;
      continue;
    }
    if (code == '\n' || code == '\t') {
      out += keep_layout ? std::string(1, static_cast<char>(code)) : code == '\n' ? "\\n" : "\\t";
    } else if (code < 0x20 || code == 0x7F) {
      out += hex_byte(static_cast<unsigned char>(code));
    } else if (code >= 0x80 && code <= 0x9F) {
      char hex[12];
      std::snprintf(hex, sizeof hex, "\\u%04x", static_cast<unsigned>(code));
      out += hex;
    } else if (is_invisible_format(code)) {
      char named[12];
      std::snprintf(named, sizeof named, "<U+%04X>", static_cast<unsigned>(code));
      out += named;
    } else {
      out.append(text.substr(i, length));
    }
    i += length;
  }
  return out;
}

}  // namespace

std::string visible(std::string_view text) { return escape(text, true); }

std::string visible_inline(std::string_view text) { return escape(text, false); }

}  // namespace corral
