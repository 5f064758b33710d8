// What validating one tool call costs, in one run:
//
//   in process   the tool gate's decision for a mix of real tool calls (Read,
//                Write, Edit, Bash, WebFetch, Glob; hostile and ordinary),
//                from the hook's JSON to the answer line, events included
//   hook path    what an agent waits for: `corral-supervisor hook` started as
//                Claude Code starts a command hook, the JSON over the unix
//                socket to the gate, the answer back
//   no-op hook   the plain tool: the same hook mechanism running /bin/true
//                (what any command hook costs before it checks anything)
//
// Prints p50 and p99 of each and the hook path against the no-op hook.
// Usage: bench_tool_validation [CALLS=20000] [HOOK_RUNS=300]
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/ids.h"
#include "runner/gateways/socket_server.h"
#include "runner/gateways/tool_gate.h"

namespace {

using namespace corral;
using Steady = std::chrono::steady_clock;

const std::vector<std::string>& calls() {
  static const std::vector<std::string> kCalls = {
      R"({"tool_name":"Read","tool_input":{"file_path":"/workspace/src/main.cpp"}})",
      R"({"tool_name":"Read","tool_input":{"file_path":"/workspace/../../etc/shadow"}})",
      R"({"tool_name":"Write","tool_input":{"file_path":"/workspace/src/new_module/handler.cpp","content":"int main() { return 0; }\n"}})",
      R"({"tool_name":"Edit","tool_input":{"file_path":"/workspace/%2e%2e/%2e%2e/root/.ssh/id_rsa","old_string":"a","new_string":"b"}})",
      R"({"tool_name":"Bash","tool_input":{"command":"cd build && ninja -j2 && ctest --output-on-failure"}})",
      R"({"tool_name":"Bash","tool_input":{"command":"git push --force-with-lease origin HEAD:main"}})",
      R"({"tool_name":"WebFetch","tool_input":{"url":"https://docs.example.com/api/v2/reference","prompt":"summarise"}})",
      R"({"tool_name":"Glob","tool_input":{"pattern":"**/*.cpp","path":"/workspace/src"}})",
  };
  return kCalls;
}

double percentile(std::vector<double> values, double share) {
  std::sort(values.begin(), values.end());
  return values[std::min(values.size() - 1, static_cast<size_t>(share * static_cast<double>(values.size())))];
}

// Runs `argv` with `input` on its stdin; its wall time in microseconds.
double timed_spawn(const std::vector<std::string>& argv, const std::string& input) {
  int in[2];
  if (::pipe(in) != 0) std::exit(1);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, in[0], 0);
  posix_spawn_file_actions_addclose(&actions, in[1]);
  posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
  std::vector<char*> args;
  for (const std::string& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);
  auto start = Steady::now();
  pid_t pid = 0;
  if (posix_spawn(&pid, args[0], &actions, nullptr, args.data(), environ) != 0) std::exit(1);
  ::close(in[0]);
  (void)!::write(in[1], input.data(), input.size());
  ::close(in[1]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  posix_spawn_file_actions_destroy(&actions);
  return std::chrono::duration<double, std::micro>(Steady::now() - start).count();
}

void print(const char* what, const std::vector<double>& micros) {
  std::printf("  %-12s p50 %9.1f us   p99 %9.1f us   (%zu calls)\n", what, percentile(micros, 0.50),
              percentile(micros, 0.99), micros.size());
}

}  // namespace

int main(int argc, char** argv) {
  std::signal(SIGPIPE, SIG_IGN);  // the no-op hook exits without reading its input
  int count = argc > 1 ? std::atoi(argv[1]) : 20000;
  int hook_runs = argc > 2 ? std::atoi(argv[2]) : 300;
  std::string dir = std::filesystem::temp_directory_path() / new_id("bench-tools");
  std::filesystem::create_directories(dir + "/workspace/src");

  runner::ToolGatePolicy gate;
  gate.worktree_host_path = dir + "/workspace";
  gate.tools.urls.allowed_hosts = {"docs.example.com"};
  size_t events = 0;
  runner::EmitEvent emit = [&](const std::string&, const nlohmann::json& payload) { events += payload.size(); };

  std::vector<double> in_process;
  in_process.reserve(count);
  for (int i = 0; i < count; ++i) {
    const std::string& call = calls()[i % calls().size()];
    auto start = Steady::now();
    std::string answer = runner::decide_tool_request(call, gate, emit);
    in_process.push_back(std::chrono::duration<double, std::micro>(Steady::now() - start).count());
    if (answer.empty()) return 1;
  }

  auto server = runner::SocketServer::listen(dir + "/tool.sock", [&](int fd, const runner::SocketServer::AlsoStop&) {
    runner::serve_tool_gate(fd, gate, emit);
  });
  if (!server.is_ok()) {
    std::fprintf(stderr, "bench: %s\n", server.status().to_string().c_str());
    return 1;
  }
  std::string supervisor = std::string(CORRAL_BINARY_DIR) + "/corral-supervisor";
  std::vector<double> hook, noop;
  for (int i = 0; i < hook_runs; ++i) {  // interleaved, so both see the same machine
    const std::string& call = calls()[i % calls().size()];
    hook.push_back(timed_spawn({supervisor, "hook", dir + "/tool.sock"}, call));
    noop.push_back(timed_spawn({"/bin/true"}, call));
  }
  (*server)->stop();
  std::filesystem::remove_all(dir);

  std::printf("tool call validation (%zu kinds of call, hostile and ordinary)\n", calls().size());
  print("in process", in_process);
  print("hook path", hook);
  print("no-op hook", noop);
  std::printf("  hook path / no-op hook: p50 %.2fx, p99 %.2fx; validation adds p50 %.1f us per call\n",
              percentile(hook, 0.5) / percentile(noop, 0.5), percentile(hook, 0.99) / percentile(noop, 0.99),
              percentile(hook, 0.5) - percentile(noop, 0.5));
  return events > 0 ? 0 : 1;
}
