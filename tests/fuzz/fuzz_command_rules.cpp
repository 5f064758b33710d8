// libFuzzer target: the shell splitter and the command rules never crash,
// and "git push --force" stays blocked whatever the fuzzer puts after a ';'.
#include <cstdlib>
#include <string>

#include "policy/command_rules.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string input(reinterpret_cast<const char*>(data), size);
  corral::policy::check_command(input, corral::policy::Enforcement::kBlock);
  auto forced = corral::policy::check_command("git push --force;" + input, corral::policy::Enforcement::kBlock);
  if (forced.verdict != corral::policy::Verdict::kBlock) std::abort();
  return 0;
}
