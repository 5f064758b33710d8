#include "containers/sandbox_spec.h"

namespace corral::containers {

std::vector<std::string> supervisor_prefix(const SandboxSpec& spec) {
  std::vector<std::string> args = {kSupervisorPath};
  if (spec.supervisor_deadline_seconds > 0) {
    args.push_back("--deadline");
    args.push_back(std::to_string(spec.supervisor_deadline_seconds));
  }
  for (const Relay& relay : spec.relays) {
    args.push_back("--relay");
    args.push_back(std::to_string(relay.port) + "=" + kRunDirPath + "/" + relay.socket_name);
  }
  args.push_back("--");
  return args;
}

}  // namespace corral::containers
