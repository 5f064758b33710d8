// libFuzzer target: the secret scanner and the path globs never crash and
// stay linear (libFuzzer's -timeout catches a blow-up).
#include <string>

#include "policy/path_glob.h"
#include "policy/secret_scan.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string input(reinterpret_cast<const char*>(data), size);
  corral::policy::find_secrets(input);
  size_t split = input.find('\n');
  if (split != std::string::npos) {
    corral::policy::glob_matches(input.substr(0, split), input.substr(split + 1));
    corral::policy::glob_matches_whole(input.substr(0, split), input.substr(split + 1));
  }
  return 0;
}
