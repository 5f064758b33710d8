// The operator's part of the gateways, from `corral serve`'s flags, checked
// before the daemon starts: the model providers (URL, key source, CA), names
// the egress proxy resolves itself, and host programs for agent profiles.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "core/status.h"
#include "runner/gateways/host_resolver.h"
#include "runner/gateways/llm_gateway.h"

namespace corral::admission {

// A program an agent profile runs, from the host: a single executable
// (Claude Code's native binary), or a folder with the program inside it (an
// npm package's node_modules, for a Node CLI that the sandbox's node runs).
struct AgentTool {
  std::string host_path;  // the file, or the folder
  std::string entry;      // "" for a file; the program's path inside the folder
};

// The operator's part, from `corral serve`.
struct GatewayOptions {
  std::map<std::string, runner::LlmProvider> providers;  // by name: "anthropic", "openai", "gemini"
  runner::FixedHosts egress_hosts;                       // names the proxy resolves itself
  std::map<std::string, AgentTool> agent_tools;          // by program (claude, gemini)
};

// The flags as given, to `corral serve` and `corral run` alike.
struct GatewayFlags {
  std::vector<std::string> llm_urls, llm_keys, llm_ca_files, egress_hosts, agent_tools;
};

// All of them checked, before anything starts.
Result<GatewayOptions> parse_gateway_flags(const GatewayFlags& flags);

// "NAME=URL" style operator flags, checked: the provider map from
// --llm NAME=URL, --llm-key NAME=env:VAR|file:PATH and --llm-ca NAME=FILE.
Result<std::map<std::string, runner::LlmProvider>> parse_providers(const std::vector<std::string>& urls,
                                                                   const std::vector<std::string>& keys,
                                                                   const std::vector<std::string>& ca_files);
// --egress-host NAME=ADDRESS[,ADDRESS...]
Result<runner::FixedHosts> parse_fixed_hosts(const std::vector<std::string>& entries);
// --agent-tool PROGRAM=FILE or PROGRAM=FOLDER:ENTRY (ENTRY executable inside FOLDER)
Result<std::map<std::string, AgentTool>> parse_agent_tools(const std::vector<std::string>& entries);

}  // namespace corral::admission
