// Where crash tests stop the daemon: $CORRAL_TEST_PAUSE_AT=STAGE makes the
// daemon wait 5 s as STAGE begins, so a test can SIGKILL it exactly there (long
// enough to hit on a loaded 2-core machine).
// Stages: start, prepare, run, collect, finish (a run's life; daemon.cpp),
// merge_publish, merge_finish (a merge's; commit_step.cpp). Unset in production.
#pragma once

#include <string_view>

namespace corral {

void pause_for_crash_tests(std::string_view stage);

}  // namespace corral
