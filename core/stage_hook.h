// Where a run or a merge is, for whoever wants to act as each stage begins.
// Code with stages is handed a StageHook and calls it; corral serve's is empty
// unless a crash test asks it to pause (corral serve --test-pause-at STAGE),
// so a test can SIGKILL it exactly there.
//
// Stages: start, prepare, run, collect, finish (a run's life: scheduler/ and
// runner/), merge_publish, merge_finish (a merge's: merge/commit_step).
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <string_view>

namespace corral {

using StageHook = std::function<void(std::string_view stage)>;

// True for the names above.
bool is_stage(std::string_view name);

// A hook that waits `pause` as `stage` begins, and does nothing at the others.
StageHook pause_at(std::string stage, std::chrono::milliseconds pause);

// Calls `hook` if there is one.
inline void reached(const StageHook& hook, std::string_view stage) {
  if (hook) hook(stage);
}

}  // namespace corral
