#include "cli/terminal_text.h"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <cstdlib>

#include "core/visible_text.h"

namespace corral::cli {
namespace {

// Whether `text` ends in the first bytes of a UTF-8 sequence (a chunk of a
// stream cut in the middle of a character): how many.
size_t incomplete_tail(std::string_view text) {
  for (size_t back = 1; back <= 3 && back <= text.size(); ++back) {
    auto byte = static_cast<unsigned char>(text[text.size() - back]);
    if ((byte & 0xC0) == 0x80) continue;  // a continuation byte: look further back
    size_t needed = (byte >> 5) == 0x6 ? 2 : (byte >> 4) == 0xE ? 3 : (byte >> 3) == 0x1E ? 4 : 1;
    return needed > back ? back : 0;
  }
  return 0;
}

bool starts_with(std::string_view text, std::string_view prefix) { return text.substr(0, prefix.size()) == prefix; }

// "@@ -a,b +c,d @@": the old and new line counts (b and d; 1 when omitted).
bool hunk_counts(std::string_view line, long& old_lines, long& new_lines) {
  if (!starts_with(line, "@@ -")) return false;
  std::string text(line);
  char* end = nullptr;
  std::strtol(text.c_str() + 4, &end, 10);
  old_lines = *end == ',' ? std::strtol(end + 1, &end, 10) : 1;
  if (std::string_view(end).substr(0, 2) != " +") return false;
  std::strtol(end + 2, &end, 10);
  new_lines = *end == ',' ? std::strtol(end + 1, &end, 10) : 1;
  return std::string_view(end).substr(0, 3) == " @@";
}

bool is_header_line(std::string_view line) {
  for (std::string_view start : {"diff --git ", "index ", "--- ", "+++ ", "new file mode ", "deleted file mode ",
                                 "old mode ", "new mode ", "similarity index ", "dissimilarity index ", "rename from ",
                                 "rename to ", "copy from ", "copy to ", "Binary files "}) {
    if (starts_with(line, start)) return true;
  }
  return false;
}

}  // namespace

std::string exact_json(const nlohmann::json& value) {
  return value.dump(-1, ' ', true, nlohmann::json::error_handler_t::replace);
}

std::string shown_patch(std::string_view patch) {
  std::string out;
  long old_left = 0, new_left = 0;  // lines of the current hunk still to come
  for (size_t start = 0; start < patch.size();) {
    size_t end = patch.find('\n', start);
    std::string_view line = patch.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
    start = end == std::string_view::npos ? patch.size() : end + 1;
    std::string text = visible_inline(line);
    bool in_hunk = old_left > 0 || new_left > 0;
    if (in_hunk && !line.empty() && (line[0] == ' ' || line[0] == '-' || line[0] == '+')) {
      old_left -= line[0] != '+';
      new_left -= line[0] != '-';
      // A line of a file that would read as a header says what it is.
      if (is_header_line(line)) text += line[0] == '+' ? "    <- an added line" : "    <- a removed line";
    } else if (starts_with(line, "\\ ")) {
      // "\ No newline at end of file", after a hunk's last line
    } else if (hunk_counts(line, old_left, new_left)) {
    } else if (in_hunk || !is_header_line(line)) {
      text = "? " + text + "    <- not part of the diff's structure";
      old_left = new_left = 0;
    }
    out += text + "\n";
  }
  return out;
}

void ShownStream::write(std::string_view chunk) {
  std::string text = carried_ + std::string(chunk);
  size_t tail = incomplete_tail(text);
  carried_ = text.substr(text.size() - tail);
  text.resize(text.size() - tail);
  std::string text_shown = visible(text);
  std::fwrite(text_shown.data(), 1, text_shown.size(), out_);
  std::fflush(out_);
}

void ShownStream::finish() {
  std::string text_shown = visible(carried_);
  carried_.clear();
  std::fwrite(text_shown.data(), 1, text_shown.size(), out_);
  std::fflush(out_);
}

}  // namespace corral::cli
