// libFuzzer target: check_path never crashes, and an allowed path is always
// a clean workspace-relative path (no '..', no leading '/', no NUL, no '\',
// no control byte, nothing the spelling rules refuse).
#include <cstdlib>
#include <string>

#include "policy/path_rules.h"
#include "policy/path_spelling.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string input(reinterpret_cast<const char*>(data), size);
  corral::policy::PathPolicy policy;
  policy.read_link = [](const std::string& relative) -> std::optional<std::string> {
    if (relative.size() % 7 == 3) return std::string(relative.size() % 2 ? "../x" : "/etc");
    return std::nullopt;
  };
  auto decision = corral::policy::check_path(input, policy);
  if (decision.verdict != corral::policy::Verdict::kAllow) return 0;
  const std::string& path = decision.normalized;
  bool clean = path.find('\0') == std::string::npos && path.find('\\') == std::string::npos &&
               (path.empty() || path[0] != '/') && path != ".." && path.rfind("../", 0) != 0 &&
               path.find("/../") == std::string::npos &&
               (path.size() < 3 || path.compare(path.size() - 3, 3, "/..") != 0);
  for (unsigned char c : path) clean = clean && c >= 0x20 && c != 0x7F;
  clean = clean && !corral::policy::spelling_problem(path);
  if (!clean) std::abort();
  return 0;
}
