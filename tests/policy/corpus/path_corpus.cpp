#include "policy/corpus/path_corpus.h"

#include "policy/path_spelling.h"

namespace corral::test {

std::string utf8(char32_t c) {
  std::string out;
  if (c < 0x80) {
    out += static_cast<char>(c);
  } else if (c < 0x800) {
    out += static_cast<char>(0xC0 | (c >> 6));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else if (c < 0x10000) {
    out += static_cast<char>(0xE0 | (c >> 12));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (c >> 18));
    out += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  }
  return out;
}

namespace {

using policy::kMaxPathBytes;
using policy::kMaxPathSegments;
using policy::kMaxSegmentBytes;

// `c` in each of these places.
std::vector<std::string> placed(const std::string& c) {
  return {c + c + "/" + c + c + "/etc/passwd", "src" + c + "app.c", "docs/" + c + "notes.md", "a/b/name" + c};
}

struct Hostile {
  std::string path;
  std::string rule;
};

std::vector<Hostile> hostile_paths() {
  std::vector<Hostile> cases;
  auto add_all = [&](const std::vector<char32_t>& characters, const std::string& rule) {
    for (char32_t c : characters) {
      for (const std::string& path : placed(utf8(c))) cases.push_back({path, rule});
    }
  };
  add_all({0x2024, 0x2025, 0x2026, 0xFF0E, 0xFE52, 0x3002, 0xFF61, 0x0701, 0x0702, 0xA4F8, 0xFE30,  // dots
           0x2044, 0x2215, 0xFF0F, 0x29F8, 0x2571, 0x27CB, 0x1735, 0x2F03,                          // slashes
           0xFF3C, 0x29F5, 0x29F9, 0xFE68, 0x2216, 0x27CD},                                         // backslashes
          "lookalike_character");
  add_all({0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF, 0x00AD, 0x00A0, 0x202F, 0x2007, 0x3000, 0x180E, 0x034F, 0x3164,
           0xFFA0, 0x2063, 0xE0041, 0xFE0F},
          "invisible_character");
  add_all({0x202E, 0x202D, 0x202A, 0x202B, 0x202C, 0x2066, 0x2067, 0x2068, 0x2069, 0x200E, 0x200F, 0x061C},
          "bidi_control");
  for (char32_t c = 1; c < 0x20; ++c) cases.push_back({"src/a" + utf8(c) + "b.c", "control_character"});
  for (char32_t c : {0x7F, 0x80, 0x85, 0x9B, 0x9F}) cases.push_back({"src/a" + utf8(c) + "b.c", "control_character"});
  for (const char* path :
       {"%u002e%u002e/etc/passwd", "%U2215etc", "src/%u2215x", "%u002E./x", "a/%uFF0Fb", "%25u002e%25u002e/secret"}) {
    cases.push_back({path, "unicode_escape"});
  }
  for (const char* path :
       {"$HOME/.ssh/id_rsa", "${HOME}/x", "$(cat /etc/passwd)", "src/$(id).c", "`id`", "a/`rm -rf`/b", "${IFS}etc",
        "docs/$PWD", "$_/x", "$1/file", "x${y}z", "cache/$(echo ..)/passwd"}) {
    cases.push_back({path, "shell_syntax"});
  }
  for (const char* path : {"file:///etc/passwd",
                           "file:/etc/passwd",
                           "FILE:///etc/shadow",
                           "jar:file:/x.jar!/a",
                           "http://evil.example/x",
                           "https://evil.example/x",
                           "ftp://host/file",
                           "netdoc:/etc/passwd",
                           "jrt:/java.base",
                           "data:text/plain,hi",
                           "javascript:alert(1)",
                           "view-source:file:///x",
                           "smb://server/share",
                           "gopher://h/",
                           "ldap://h/",
                           "blob:https://x",
                           "custom+scheme://host/x",
                           "git://host/repo",
                           "about:blank",
                           "resource://x"}) {
    cases.push_back({path, "url_scheme"});
  }
  for (const char* path :
       {"C:\\Windows\\win.ini", "c:/windows/system32", "D:secret.txt", "Z:\\", "C:", "x/../C:/Windows"}) {
    cases.push_back({path, "drive_letter"});
  }
  for (const char* path :
       {"\\\\server\\share\\x", "//server/share/x", "\\\\?\\C:\\x", "\\\\.\\pipe\\x", "/\\server\\x"}) {
    cases.push_back({path, "unc_path"});
  }
  for (const char* path : {" src/app.c", "src /app.c", "src/ app.c", "src/app.c ", "docs/ /x", "  /x"}) {
    cases.push_back({path, "segment_whitespace"});
  }
  cases.push_back({std::string(kMaxPathBytes + 1, 'a'), "too_long"});
  cases.push_back({"dir/" + std::string(kMaxSegmentBytes + 1, 'n'), "too_long"});
  std::string deep;
  for (size_t i = 0; i <= kMaxPathSegments; ++i) deep += "d/";
  cases.push_back({deep + "f", "too_deep"});
  return cases;
}

// Ordinary names, in several folders: what real repositories hold.
std::vector<std::string> ordinary_paths() {
  std::vector<std::string> names = {
      "a..b.txt",
      "...",
      "..hidden",
      "file..txt",
      "v1...v2.diff",
      "Outer$Inner.class",
      "price-$5.txt",
      "a$b",
      "C++",
      "notes+ideas.md",
      "notes (1).md",
      "my file.txt",
      "a b c",
      "file.tar.gz",
      "index.d.ts",
      ".editorconfig",
      "#notes#",
      "dir~",
      "Note:draft.md",
      "12:30 meeting.md",
      "ratio 3:2.txt",
      "café.txt",
      "menü.md",
      "niño.c",
      "日本語.txt",
      "中文说明.md",
      "한국어.txt",
      "русский.txt",
      "ελληνικά.md",
      "עברית.txt",
      "العربية.md",
      "हिन्दी.txt",
      "ไทย.txt",
      "📄notes.md",
      "naïve·résumé.txt",
      "l·l.txt",
      "CON.txt",
      "Makefile",
      "Dockerfile",
      ".gitignore",
      "-dash-first.txt",
      "_under",
      "x=y.cfg",
      "a,b;c.csv",
      "[brackets].md",
      "{braces}.json",
      "100%.txt",
      "a&b",
      "semi;colon",
      "quote'single",
      "at@sign",
      "ünïcödé.txt",
      "ﬁ-ligature.txt",
      "Ω-ohm.txt",
      "µs.log",
  };
  std::vector<std::string> folders = {"", "src/", "docs/guide/", "/workspace/pkg/"};
  std::vector<std::string> paths;
  for (const std::string& folder : folders) {
    for (const std::string& name : names) paths.push_back(folder + name);
  }
  std::string deep;
  for (size_t i = 0; i + 1 < kMaxPathSegments; ++i) deep += "d/";
  paths.push_back(deep + "f");
  paths.push_back("dir/" + std::string(kMaxSegmentBytes, 'n'));
  paths.push_back("node_modules/@scope/pkg/lib/index.js");
  return paths;
}

}  // namespace

std::vector<CorpusCase> path_corpus() {
  std::vector<CorpusCase> cases;
  for (Hostile& c : hostile_paths()) cases.push_back({"paths", true, c.rule, c.path});
  for (std::string& path : ordinary_paths()) cases.push_back({"paths", false, "", path});
  return cases;
}

}  // namespace corral::test
