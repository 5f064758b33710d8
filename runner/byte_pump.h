// Copies bytes both ways between two connected sockets until both sides are
// done, passing each end-of-stream on as a half-close (so request/response
// protocols finish cleanly); an error ends both ways. Plain POSIX, so the
// static supervisor (its relays) and corral (the egress proxy) share it.
#pragma once

#include <cstdint>

namespace corral::runner {

struct PumpedBytes {
  uint64_t a_to_b = 0;
  uint64_t b_to_a = 0;
};

// Closes neither socket.
PumpedBytes pump_both_ways(int a, int b);

}  // namespace corral::runner
