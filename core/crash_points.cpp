#include "core/crash_points.h"

#include <chrono>
#include <cstdlib>
#include <thread>

namespace corral {

void pause_for_crash_tests(std::string_view stage) {
  static const char* pause_at = std::getenv("CORRAL_TEST_PAUSE_AT");
  if (pause_at && stage == pause_at) std::this_thread::sleep_for(std::chrono::seconds(5));
}

}  // namespace corral
