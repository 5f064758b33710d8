#include "runner/supervisor/tool_hook.h"

#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>

#include "runner/fd_io.h"

namespace corral::supervisor {
namespace {

constexpr size_t kMaxInput = 8 << 20;  // a Write of a large file still fits
constexpr size_t kMaxAnswer = 64 << 10;

int block(const std::string& why) {
  std::fprintf(stderr, "corral: %s\n", why.c_str());
  return 2;
}

}  // namespace

int run_tool_hook(const char* socket_path) {
  std::string input;
  if (!runner::read_to_end(0, input, kMaxInput)) return block("tool call too large or unreadable; call refused");
  int fd = runner::connect_unix(socket_path);
  if (fd < 0) return block("tool validation unreachable (" + std::string(std::strerror(errno)) + "); call refused");
  std::string answer;
  bool asked = runner::send_all(fd, input.data(), input.size()) && ::shutdown(fd, SHUT_WR) == 0 &&
               runner::read_to_end(fd, answer, kMaxAnswer);
  ::close(fd);
  if (!asked) return block("tool validation failed mid-way; call refused");
  // The gate answers one line: "allow", "flag RULE: REASON" or "block RULE: REASON".
  std::string line = answer.substr(0, answer.find('\n'));
  if (line == "allow" || line.rfind("flag ", 0) == 0) return 0;
  if (line.rfind("block ", 0) == 0) return block(line.substr(6));
  return block("tool validation gave no answer; call refused");
}

}  // namespace corral::supervisor
