#include "policy/path_rules.h"

#include <cctype>

#include "policy/path_glob.h"
#include "policy/path_spelling.h"

namespace corral::policy {
namespace {

constexpr int kMaxDecodingRounds = 3;
constexpr int kMaxSymlinkHops = 40;

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

// One round of %XX decoding ('+' stays: this is a path, not a form).
std::string decode_once(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    int high = i + 2 < text.size() && text[i] == '%' ? hex_value(text[i + 1]) : -1;
    int low = high >= 0 ? hex_value(text[i + 2]) : -1;
    if (high >= 0 && low >= 0) {
      out += static_cast<char>(high * 16 + low);
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

// Well-formed UTF-8 with no overlong forms (C0 AE is a '.' in disguise),
// no surrogates, nothing past U+10FFFF.
bool is_strict_utf8(std::string_view text) {
  for (size_t i = 0; i < text.size();) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    size_t length = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    if (length == 0 || i + length > text.size()) return false;
    unsigned code = length == 1 ? c : length == 2 ? c & 0x1F : length == 3 ? c & 0x0F : c & 0x07;
    for (size_t k = 1; k < length; ++k) {
      unsigned char next = static_cast<unsigned char>(text[i + k]);
      if ((next & 0xC0) != 0x80) return false;
      code = (code << 6) | (next & 0x3F);
    }
    static constexpr unsigned kSmallest[] = {0, 0, 0x80, 0x800, 0x10000};
    if (code < kSmallest[length] || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) return false;
    i += length;
  }
  return true;
}

// Lexical resolution of `path` ('/'-separated, relative to the workspace)
// into parts; false if '..' climbs above the workspace.
bool resolve_parts(std::string_view path, std::vector<std::string>& parts) {
  size_t start = 0;
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    std::string_view part = path.substr(start, end - start);
    if (part == "..") {
      if (parts.empty()) return false;
      parts.pop_back();
    } else if (!part.empty() && part != ".") {
      parts.emplace_back(part);
    }
    start = end + 1;
  }
  return true;
}

std::string join(const std::vector<std::string>& parts, size_t count) {
  std::string out;
  for (size_t i = 0; i < count; ++i) out += (i ? "/" : "") + parts[i];
  return out;
}

// The workspace-relative form of an absolute or relative path, or nullopt if
// it is outside.
std::optional<std::string> relative_to_workspace(const std::string& path, const std::string& workspace) {
  if (path.empty() || path[0] != '/') return path;
  if (path == workspace) return std::string();
  if (path.rfind(workspace + "/", 0) == 0) return path.substr(workspace.size() + 1);
  return std::nullopt;
}

// Follows symlinks along `parts` (lexically, through `read_link`); false if
// one leads outside the workspace or they loop.
bool stays_inside_through_links(std::vector<std::string>& parts, const PathPolicy& policy) {
  if (!policy.read_link) return true;
  int hops = 0;
  for (size_t i = 0; i < parts.size(); ++i) {
    auto target = policy.read_link(join(parts, i + 1));
    if (!target) continue;
    if (++hops > kMaxSymlinkHops) return false;
    auto relative = relative_to_workspace(*target, policy.workspace);
    if (!relative) return false;
    std::vector<std::string> resolved;
    std::string base = (*target)[0] == '/' ? std::string() : join(parts, i);
    if (!resolve_parts(base + "/" + *relative, resolved)) return false;
    for (size_t k = i + 1; k < parts.size(); ++k) resolved.push_back(parts[k]);
    parts = std::move(resolved);
    i = static_cast<size_t>(-1);  // walk the new path from its start
  }
  return true;
}

}  // namespace

ToolDecision check_path(std::string_view raw, const PathPolicy& policy) {
  const Enforcement e = policy.enforcement;
  std::string path(raw);
  for (int round = 0;; ++round) {
    if (path.find('\0') != std::string::npos) return fired(e, "nul_byte", "the path holds a NUL byte");
    std::string decoded = decode_once(path);
    if (decoded == path) break;
    if (round == kMaxDecodingRounds) {
      return fired(e, "excessive_encoding",
                   "the path is percent-encoded more than " + std::to_string(kMaxDecodingRounds) + " times");
    }
    path = std::move(decoded);
  }
  if (!is_strict_utf8(path)) return fired(e, "invalid_utf8", "the path is not well-formed UTF-8 (overlong or invalid)");
  if (auto problem = spelling_problem(path)) return fired(e, problem->rule, problem->reason);
  for (char& c : path) c = c == '\\' ? '/' : c;
  if (!path.empty() && path[0] == '~') return fired(e, "home_expansion", "'~' names a home folder, not the workspace");
  auto relative = relative_to_workspace(path, policy.workspace);
  if (!relative) return fired(e, "outside_workspace", "'" + path + "' is outside " + policy.workspace);
  std::vector<std::string> parts;
  if (!resolve_parts(*relative, parts)) return fired(e, "outside_workspace", "'..' climbs out of " + policy.workspace);
  if (!stays_inside_through_links(parts, policy)) {
    return fired(e, "symlink_escape", "a symlink on the way leads out of " + policy.workspace);
  }
  std::string normalized = join(parts, parts.size());
  // Again on what it resolved to: '..' can bring a drive letter or a scheme
  // to the front ("x/../C:/y").
  if (auto problem = spelling_problem(normalized)) return fired(e, problem->rule, problem->reason);
  if (const std::string* rule = sensitive_match(policy.sensitive_patterns, normalized)) {
    return fired(e, "sensitive_file", "'" + normalized + "' is a sensitive file ('" + *rule + "')", normalized);
  }
  return {Verdict::kAllow, "", "", normalized};
}

}  // namespace corral::policy
