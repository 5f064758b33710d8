// Hashing through OpenSSL, in one place.
#pragma once

#include <string>
#include <string_view>

namespace corral {

// Lower-case hex SHA-256 of the bytes.
std::string sha256_hex(std::string_view bytes);

}  // namespace corral
