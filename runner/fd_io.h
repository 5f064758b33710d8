// Whole-message I/O on plain descriptors, shared by the static supervisor
// (its relays and its hook) and corral's gateways. Plain POSIX.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace corral::runner {

// Sends all of `data` on a socket; false on error (the peer is gone).
bool send_all(int fd, const char* data, uint64_t size);

// Appends what `fd` (a socket or a pipe) yields until its end; false if it
// failed or more than `limit` bytes came (what came is kept, cut at `limit`).
bool read_to_end(int fd, std::string& into, size_t limit);

// A unix stream socket connected to `path`, or -1 (errno says why).
int connect_unix(const std::string& path);

}  // namespace corral::runner
