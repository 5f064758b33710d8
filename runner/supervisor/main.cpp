// corral-supervisor: the first process inside every sandbox (PID 1 of its PID
// namespace). It starts the agent command, forwards termination signals to it,
// reaps every orphan (a PID 1 that does not leaves zombies), and exits with the
// agent's status (128+signal if a signal ended it), which the runner reports.
//
// It dies with its parent (PR_SET_PDEATHSIG): if corral is killed, the whole
// sandbox goes with it. It links nothing but libc, to run from any image.
//
// With --deadline SECONDS it also kills the agent itself when the deadline
// passes, so a sandbox never outlives its run even if corral died (a Docker
// container's parent is the engine, not corral).
//
// With --relay PORT=SOCKET (repeatable) it listens on 127.0.0.1:PORT and
// relays each connection to the unix socket: the sandbox's only ways out, to
// corral's egress proxy and LLM gateway (relay.h).
//
// Usage: corral-supervisor [--deadline SECONDS] [--relay PORT=SOCKET]... -- COMMAND [ARG...]
//        corral-supervisor hook [SOCKET]         (an agent's pre-tool-use hook, tool_hook.h)
//        corral-supervisor report confidence VALUE [REASON...]   (the agent's
//        corral-supervisor report escalate [REASON...]            own reports;
//        inside the sandbox as $CORRAL_REPORT, see runner/agent_report.h)
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <initializer_list>
#include <string>
#include <vector>

#include "containers/sandbox_spec.h"
#include "runner/agent_report.h"
#include "runner/supervisor/relay.h"
#include "runner/supervisor/tool_hook.h"

namespace {

volatile sig_atomic_t g_agent_pid = 0;

void forward_signal(int signal_number) {
  if (g_agent_pid > 0) ::kill(-g_agent_pid, signal_number);
}

void deadline_passed(int) {
  static const char kMessage[] = "corral-supervisor: deadline passed, killing the agent\n";
  (void)!::write(2, kMessage, sizeof kMessage - 1);
  if (g_agent_pid > 0) ::kill(-g_agent_pid, SIGKILL);
}

int status_to_exit_code(int status) {
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return WEXITSTATUS(status);
}

[[noreturn]] void exec_agent(char** argv) {
  ::setpgid(0, 0);  // its own group, so forwarded signals reach its children too
  sigset_t none;
  sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
  ::execvp(argv[0], argv);
  std::fprintf(stderr, "corral-supervisor: cannot run %s: %s\n", argv[0], std::strerror(errno));
  ::_exit(errno == ENOENT ? 127 : 126);
}

std::string joined(int argc, char** argv, int from) {
  std::string text;
  for (int i = from; i < argc; ++i) text += (i > from ? " " : "") + std::string(argv[i]);
  return text;
}

// `report confidence VALUE [REASON...]` or `report escalate [REASON...]`:
// prints the marked line the output recorder turns into an event.
int report(int argc, char** argv) {
  corral::runner::AgentReport report;
  std::string kind = argc > 2 ? argv[2] : "";
  if (kind == "escalate") {
    report.kind = "escalation";
    report.reason = joined(argc, argv, 3);
  } else if (kind == "confidence" && argc > 3) {
    char* end = nullptr;
    report.kind = "confidence";
    report.value = std::strtod(argv[3], &end);
    report.reason = joined(argc, argv, 4);
    if (*end != '\0') report.kind.clear();
  }
  std::string line = report.kind.empty() ? "" : corral::runner::format_report(report);
  if (line.empty() || !corral::runner::parse_report(line)) {
    std::fprintf(stderr,
                 "usage: $CORRAL_REPORT confidence 0..1 [REASON...] | $CORRAL_REPORT escalate [REASON...]\n"
                 "       (a reason of at most %zu bytes)\n",
                 corral::runner::kMaxReasonBytes);
    return 2;
  }
  std::fputs(line.c_str(), stdout);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc > 1 && std::strcmp(argv[1], "report") == 0) return report(argc, argv);
  if (argc > 1 && std::strcmp(argv[1], "hook") == 0) {
    // The socket is the run directory's unless the (read-only) settings that
    // call the hook name another; the environment is never asked.
    std::string socket = argc > 2 ? argv[2] : std::string(corral::containers::kRunDirPath) + "/tool.sock";
    return corral::supervisor::run_tool_hook(socket.c_str());
  }
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  int first = 1;
  unsigned deadline = 0;
  std::vector<corral::supervisor::RelaySpec> relays;
  bool usable = true;
  while (usable && argc > first + 1 && argv[first][0] == '-' && std::strcmp(argv[first], "--") != 0) {
    if (std::strcmp(argv[first], "--deadline") == 0) {
      deadline = static_cast<unsigned>(std::strtoul(argv[first + 1], nullptr, 10));
    } else if (std::strcmp(argv[first], "--relay") == 0) {
      relays.emplace_back();
      usable = corral::supervisor::parse_relay(argv[first + 1], relays.back());
    } else {
      usable = false;
    }
    first += 2;
  }
  if (!usable || argc < first + 2 || std::strcmp(argv[first], "--") != 0) {
    std::fprintf(stderr,
                 "usage: corral-supervisor [--deadline SECONDS] [--relay PORT=SOCKET]... -- COMMAND [ARG...]\n");
    return 2;
  }
  std::string relay_error = corral::supervisor::start_relays(relays);
  if (!relay_error.empty()) {
    std::fprintf(stderr, "corral-supervisor: %s\n", relay_error.c_str());
    return 125;
  }
  struct sigaction action {};
  action.sa_handler = forward_signal;
  sigemptyset(&action.sa_mask);
  for (int signal_number : {SIGTERM, SIGINT, SIGHUP, SIGQUIT}) ::sigaction(signal_number, &action, nullptr);
  struct sigaction alarm_action {};
  alarm_action.sa_handler = deadline_passed;
  sigemptyset(&alarm_action.sa_mask);
  ::sigaction(SIGALRM, &alarm_action, nullptr);

  pid_t agent = ::fork();
  if (agent < 0) {
    std::perror("corral-supervisor: fork");
    return 125;
  }
  if (agent == 0) exec_agent(argv + first + 1);
  g_agent_pid = agent;
  if (deadline > 0) ::alarm(deadline);

  int agent_exit = 0;
  for (;;) {
    int status = 0;
    pid_t pid = ::waitpid(-1, &status, 0);
    if (pid < 0 && errno == EINTR) continue;
    if (pid < 0) break;  // no children left
    if (pid == agent) {
      agent_exit = status_to_exit_code(status);
      break;
    }
  }
  // The agent is done: what it left running dies with this PID namespace.
  return agent_exit;
}
