// Sizes as people write them on command lines: "512m", "2G", "64k", "1048576".
#pragma once

#include <cstdint>
#include <string>

#include "core/status.h"

namespace corral {

// Bytes for a count with an optional binary unit (k, m, g; either case).
// invalid_argument for anything else, or for a size too large for int64.
Result<int64_t> parse_byte_size(const std::string& text);

}  // namespace corral
