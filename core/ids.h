// Identifiers for tasks, runs and events.
//
// Ids are short, lower-case, safe in file names, git ref names and container
// names, and sort roughly by creation time (a millisecond prefix), which keeps
// `ls` of the data directory and `corral events` readable.
#pragma once

#include <string>
#include <string_view>

namespace corral {

// A fresh id: prefix, '-', 10 base32 chars of milliseconds, 8 random base32 chars.
// Thread-safe.
std::string new_id(std::string_view prefix);

// True if `id` could have come from new_id with this prefix: the check every id
// read from a user must pass before it is used in a path, a ref or a query.
bool is_valid_id(std::string_view id, std::string_view prefix);

// A secret for tokens: prefix + 48 hex chars from the OS's CSPRNG (OpenSSL).
std::string new_secret(std::string_view prefix);

}  // namespace corral
