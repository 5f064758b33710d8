// `corral-supervisor hook`: an agent's pre-tool-use hook (Claude Code's
// PreToolUse command hook). It sends the hook's JSON input (the tool's name and
// arguments) to corral's tool gate over the run directory's tool socket and
// answers as Claude Code's hooks do: exit 0 lets the call run; exit 2 blocks it
// and what was printed on stderr (the rule and reason) goes back to the model.
// corral unreachable or an unreadable answer: blocked (fail closed).
#pragma once

namespace corral::supervisor {

int run_tool_hook(const char* socket_path);

}  // namespace corral::supervisor
