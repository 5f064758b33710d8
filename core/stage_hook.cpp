#include "core/stage_hook.h"

#include <thread>

namespace corral {

bool is_stage(std::string_view name) {
  for (std::string_view stage : {"start", "prepare", "run", "collect", "finish", "merge_publish", "merge_finish"}) {
    if (name == stage) return true;
  }
  return false;
}

StageHook pause_at(std::string stage, std::chrono::milliseconds pause) {
  return [stage = std::move(stage), pause](std::string_view reached) {
    if (reached == stage) std::this_thread::sleep_for(pause);
  };
}

}  // namespace corral
