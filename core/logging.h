// Operator logs (spdlog): what the process is doing. History goes to events.
#pragma once

namespace corral {

// Sends logs to stderr at "warn" unless $CORRAL_LOG names a level
// (trace, debug, info, warn, error, off). Call once from main().
void setup_logging();

}  // namespace corral
