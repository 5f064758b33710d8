// Where a destination's secrets are: never in the store, only a reference
// to them, read when a delivery is made. "env:NAME" is a variable of the
// daemon's environment; "file:/ABSOLUTE/PATH" a file's content (a trailing
// line break dropped).
#pragma once

#include <string>

#include "core/status.h"

namespace corral::alerts {

bool is_reference(const std::string& text);
// invalid_argument naming `what` unless `text` is a well-formed reference.
Status check_reference(const std::string& text, const std::string& what);
// The secret; not_found if the variable is unset or empty, io if the file cannot be read.
Result<std::string> resolve_reference(const std::string& reference);

}  // namespace corral::alerts
