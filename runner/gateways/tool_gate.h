// The tool gate: an agent's hook (`corral-supervisor hook`) asks it, before
// each tool call, whether the call may run. The request is the hook's JSON:
// Claude Code's {"tool_name", "tool_input"} or the generic {"tool",
// "arguments"}. policy::check_tool_call decides; the answer is one line,
// "allow", "flag RULE: REASON" or "block RULE: REASON", and every decision is
// an event (tool.invoked, tool.flagged, tool.blocked) with the tool, its
// arguments (long values cut) and the rule.
#pragma once

#include <string>

#include "policy/tool_call.h"
#include "runner/gateways/gateway_events.h"
#include "runner/gateways/socket_server.h"

namespace corral::runner {

struct ToolGatePolicy {
  policy::ToolPolicy tools;        // its path resolver is set from worktree_host_path
  std::string worktree_host_path;  // where /workspace is on the host, for symlink checks at use
};

// The decision line for one request (exposed for tests and the benchmark).
std::string decide_tool_request(const std::string& request, const ToolGatePolicy& policy, const EmitEvent& emit);

// Serves one connection: reads the request to its end, answers, closes.
void serve_tool_gate(int fd, const ToolGatePolicy& policy, const EmitEvent& emit);

}  // namespace corral::runner
