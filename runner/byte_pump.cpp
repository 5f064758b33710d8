#include "runner/byte_pump.h"

#include <poll.h>
#include <sys/socket.h>

#include <cerrno>

#include "runner/fd_io.h"

namespace corral::runner {

PumpedBytes pump_both_ways(int a, int b) {
  pollfd fds[2] = {{a, POLLIN, 0}, {b, POLLIN, 0}};
  const int peer[2] = {b, a};
  bool open[2] = {true, true};
  uint64_t moved[2] = {0, 0};
  char buffer[64 * 1024];
  while (open[0] || open[1]) {
    for (int i = 0; i < 2; ++i) fds[i].fd = open[i] ? (i == 0 ? a : b) : -1;
    if (::poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    for (int i = 0; i < 2; ++i) {
      if (!open[i] || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      ssize_t got = ::recv(fds[i].fd, buffer, sizeof buffer, 0);
      if (got < 0 && errno == EINTR) continue;
      if (got == 0) {
        open[i] = false;
        ::shutdown(peer[i], SHUT_WR);
      } else if (got < 0 || !send_all(peer[i], buffer, static_cast<uint64_t>(got))) {
        open[0] = open[1] = false;
      } else {
        moved[i] += static_cast<uint64_t>(got);
      }
    }
  }
  return {moved[0], moved[1]};
}

}  // namespace corral::runner
