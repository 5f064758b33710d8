#include "containers/process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>

namespace corral::containers {
namespace {

// Runs in the forked child: only async-signal-safe calls.
[[noreturn]] void exec_child(const SpawnOptions& options, char* const* argv, int devnull) {
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  int in = options.stdin_fd >= 0 ? options.stdin_fd : devnull;
  int out = options.stdout_fd >= 0 ? options.stdout_fd : devnull;
  int err = options.stderr_fd >= 0 ? options.stderr_fd : devnull;
  if (::dup2(in, 0) < 0 || ::dup2(out, 1) < 0 || ::dup2(err, 2) < 0) ::_exit(126);
  ::close_range(3, ~0U, 0);
  sigset_t none;
  sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
  ::execvp(argv[0], argv);
  ::_exit(127);
}

}  // namespace

UniqueFd& UniqueFd::operator=(UniqueFd&& other) noexcept {
  if (this != &other) {
    reset();
    fd_ = other.release();
  }
  return *this;
}

UniqueFd::~UniqueFd() { reset(); }

void UniqueFd::reset() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

Status make_pipe(UniqueFd* read_end, UniqueFd* write_end) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return Status::from_errno(errno, "creating pipe");
  *read_end = UniqueFd(fds[0]);
  *write_end = UniqueFd(fds[1]);
  return Status::ok();
}

Result<pid_t> spawn(const SpawnOptions& options) {
  if (options.argv.empty()) return Status::invalid_argument("spawn: empty command");
  std::vector<char*> argv;
  for (const std::string& arg : options.argv) argv.push_back(const_cast<char*>(arg.c_str()));
  argv.push_back(nullptr);
  UniqueFd devnull(::open("/dev/null", O_RDWR | O_CLOEXEC));
  if (devnull.get() < 0) return Status::from_errno(errno, "opening /dev/null");
  pid_t pid = ::fork();
  if (pid < 0) return Status::from_errno(errno, "starting " + options.argv[0]);
  if (pid == 0) exec_child(options, argv.data(), devnull.get());
  return pid;
}

Result<int> wait_exit(pid_t pid) {
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return Status::from_errno(errno, "waiting for process " + std::to_string(pid));
  }
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return WEXITSTATUS(status);
}

Result<CommandOutput> run_command(const std::vector<std::string>& argv, std::chrono::milliseconds timeout) {
  UniqueFd read_end, write_end;
  CORRAL_RETURN_IF_ERROR(make_pipe(&read_end, &write_end));
  auto pid = spawn({argv, -1, write_end.get(), write_end.get()});
  if (!pid.is_ok()) return pid.status();
  write_end.reset();

  CommandOutput result;
  auto deadline = std::chrono::steady_clock::now() + timeout;
  char buf[4096];
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      ::kill(*pid, SIGKILL);
      static_cast<void>(wait_exit(*pid));  // only to reap it: the timeout is what to report
      return Status::timeout(argv[0] + " did not finish within " + std::to_string(timeout.count()) + " ms");
    }
    pollfd pfd{read_end.get(), POLLIN, 0};
    int ready = ::poll(&pfd, 1, static_cast<int>(left.count()));
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) continue;
    ssize_t n = ::read(read_end.get(), buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    result.output.append(buf, static_cast<size_t>(n));
  }
  auto code = wait_exit(*pid);
  if (!code.is_ok()) return code.status();
  result.exit_code = *code;
  return result;
}

}  // namespace corral::containers
