// Hashing through OpenSSL, in one place.
#pragma once

#include <string>
#include <string_view>

namespace corral {

// Lower-case hex SHA-256 of the bytes.
std::string sha256_hex(std::string_view bytes);
// Lower-case hex HMAC-SHA256 of the bytes under `key`.
std::string hmac_sha256_hex(std::string_view key, std::string_view bytes);

}  // namespace corral
