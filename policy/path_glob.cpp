#include "policy/path_glob.h"

namespace corral::policy {
namespace {

// Dynamic programming over (pattern position, text position), so no
// pattern, however many stars it has, costs more than |pattern| x |path|.
// `**` may cross '/', `*` and `?` may not; `**/` may also match nothing.
class Matcher {
 public:
  Matcher(std::string_view pattern, std::string_view text)
      : pattern_(pattern), text_(text), memo_((pattern.size() + 1) * (text.size() + 1), kUnknown) {}

  bool matches(size_t p, size_t t) {
    char& memo = memo_[p * (text_.size() + 1) + t];
    if (memo == kUnknown) memo = compute(p, t) ? kYes : kNo;
    return memo == kYes;
  }

 private:
  static constexpr char kUnknown = 0, kYes = 1, kNo = 2;

  bool compute(size_t p, size_t t) {
    if (p == pattern_.size()) return t == text_.size();
    if (pattern_[p] != '*') {
      bool one = t < text_.size() && (pattern_[p] == text_[t] || (pattern_[p] == '?' && text_[t] != '/'));
      return one && matches(p + 1, t + 1);
    }
    bool crosses = p + 1 < pattern_.size() && pattern_[p + 1] == '*';
    size_t rest = p + (crosses ? 2 : 1);
    if (crosses && rest < pattern_.size() && pattern_[rest] == '/' && matches(rest + 1, t)) return true;
    if (matches(rest, t)) return true;  // the star matches nothing more
    return t < text_.size() && (crosses || text_[t] != '/') && matches(p, t + 1);
  }

  std::string_view pattern_;
  std::string_view text_;
  std::vector<char> memo_;
};

bool match_here(std::string_view pattern, std::string_view text) { return Matcher(pattern, text).matches(0, 0); }

}  // namespace

bool glob_matches(std::string_view pattern, std::string_view path) {
  if (pattern.empty()) return false;
  if (pattern.back() == '/') {
    std::string under(pattern);
    under += "**";
    return glob_matches(under, path);
  }
  if (pattern.find('/') == std::string_view::npos) {
    size_t slash = path.rfind('/');
    return match_here(pattern, slash == std::string_view::npos ? path : path.substr(slash + 1));
  }
  return match_here(pattern, path);
}

bool glob_matches_whole(std::string_view pattern, std::string_view text) {
  return !pattern.empty() && match_here(pattern, text);
}

const std::string* first_match(const std::vector<std::string>& patterns, std::string_view path) {
  for (const std::string& pattern : patterns) {
    if (glob_matches(pattern, path)) return &pattern;
  }
  return nullptr;
}

}  // namespace corral::policy
