#include "runner/supervisor/tool_hook.h"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>

namespace corral::supervisor {
namespace {

constexpr size_t kMaxInput = 8 << 20;  // a Write of a large file still fits

int block(const std::string& why) {
  std::fprintf(stderr, "corral: %s\n", why.c_str());
  return 2;
}

}  // namespace

int run_tool_hook(const char* socket_path) {
  std::string input;
  char buffer[64 * 1024];
  for (;;) {
    ssize_t got = ::read(0, buffer, sizeof buffer);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) break;
    input.append(buffer, static_cast<size_t>(got));
    if (input.size() > kMaxInput) return block("tool call too large to validate");
  }
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  std::strncpy(address.sun_path, socket_path, sizeof address.sun_path - 1);
  int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0 || ::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    return block("tool validation unreachable (" + std::string(std::strerror(errno)) + "); call refused");
  }
  for (size_t sent = 0; sent < input.size();) {
    ssize_t wrote = ::send(fd, input.data() + sent, input.size() - sent, MSG_NOSIGNAL);
    if (wrote < 0 && errno == EINTR) continue;
    if (wrote <= 0) return block("tool validation failed while sending; call refused");
    sent += static_cast<size_t>(wrote);
  }
  ::shutdown(fd, SHUT_WR);
  std::string answer;
  for (;;) {
    ssize_t got = ::read(fd, buffer, sizeof buffer);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) break;
    answer.append(buffer, static_cast<size_t>(got));
  }
  ::close(fd);
  // The gate answers one line: "allow", "flag RULE: REASON" or "block RULE: REASON".
  std::string line = answer.substr(0, answer.find('\n'));
  if (line == "allow" || line.rfind("flag ", 0) == 0) return 0;
  if (line.rfind("block ", 0) == 0) return block(line.substr(6));
  return block("tool validation gave no answer; call refused");
}

}  // namespace corral::supervisor
