// Agent profiles: how corral runs each coding agent in its sandbox. A task
// names a profile ("claude-code") or gives a command line (the generic
// profile). A profile says which program it needs from the host (mounted
// read-only at /.corral/tools and put first on PATH) or expects in the image,
// the hosts it must reach beyond the model (added to the egress allowlist),
// how it finds the model (base URL and key variables, set to the LLM gateway
// and the run's token: the real key never enters the sandbox), how the prompt
// is passed (always as the last argument, "$@", never spliced into a shell
// line), the files it reads from the run directory, and how its own inner
// sandbox is turned off: agent CLIs bring bubblewrap, Landlock or seccomp
// sandboxes that cannot start in a capability-dropped container, and corral's
// container is the boundary.
//
//   profile      program  model API   inner sandbox off by                 tool calls checked
//   claude-code  claude   anthropic   settings: sandbox.enabled=false      PreToolUse hook -> tool gate
//   codex        codex    openai      --dangerously-bypass-approvals-and-sandbox  PreToolUse hook -> tool gate
//   gemini-cli   gemini   gemini      GEMINI_SANDBOX=false                 BeforeTool hook -> tool gate
//   aider        aider    openai      (has none)                           (no hook API; egress + diff)
//   generic      the task's command line; $CORRAL_TOOL_HOOK for agents that want checks
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "runner/agent_stream.h"

namespace corral::runner {

inline constexpr const char* kToolsDir = "/.corral/tools";

struct AgentProfile {
  std::string name;
  std::string program;                    // the executable's name: from the host if configured, else the image's PATH
  std::string arguments;                  // after the program, before the prompt ("$@")
  std::string prelude;                    // shell run first (e.g. putting a run file where the agent reads it)
  std::string model_argument;             // how it is told a model, right after the program: "--model {model}"
  std::string provider;                   // "anthropic", "openai", "gemini" or "" (no model: generic commands)
  std::vector<std::string> base_url_env;  // set to the LLM gateway inside the sandbox
  std::string base_url_suffix;            // e.g. "/v1" for OpenAI-style clients
  std::vector<std::string> key_env;       // set to the run's token
  std::vector<std::string> env;           // fixed KEY=VALUE: inner sandbox, telemetry, update checks off
  std::map<std::string, std::string> run_files;  // name -> content, in /.corral/run
  std::vector<std::string> hosts;                // beyond the model: hosts it must reach
  std::optional<StreamDialect> output;           // its stdout read into agent.tool_use etc. (agent_stream.h)
};

// The built-in profile of that name; nullopt for anything else (a command line).
std::optional<AgentProfile> find_profile(const std::string& name);

// The /bin/sh command line a profile runs: "<program> <arguments>", with
// `host_program` (its path inside the sandbox under kToolsDir) when the host
// provides it, else the image's; and `model` (a plain name, checked by the
// caller) when the owner chose one.
std::string profile_command(const AgentProfile& profile, const std::string& host_program,
                            const std::string& model = "");

}  // namespace corral::runner
