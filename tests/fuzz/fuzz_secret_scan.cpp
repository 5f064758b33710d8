// libFuzzer target: the secret scanner and the path globs never crash and
// stay linear (libFuzzer's -timeout catches a blow-up), and every hit points
// inside the text scanned.
#include <cstdlib>
#include <string>
#include <vector>

#include "policy/path_glob.h"
#include "policy/secret_scan.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string input(reinterpret_cast<const char*>(data), size);
  std::vector<std::string_view> lines;  // the lines find_secrets_in_text reads
  std::string_view rest(input);
  for (size_t end = rest.find('\n'); end != std::string_view::npos; end = rest.find('\n')) {
    lines.push_back(rest.substr(0, end));
    rest.remove_prefix(end + 1);
  }
  lines.push_back(rest);
  for (const auto& hit : corral::policy::find_secrets_in_text(input)) {
    if (hit.line >= lines.size() || hit.column < 1 || hit.column > lines[hit.line].size()) std::abort();
  }
  corral::policy::find_secrets(input);
  size_t split = input.find('\n');
  if (split != std::string::npos) {
    corral::policy::glob_matches(input.substr(0, split), input.substr(split + 1));
    corral::policy::glob_matches_whole(input.substr(0, split), input.substr(split + 1));
  }
  return 0;
}
