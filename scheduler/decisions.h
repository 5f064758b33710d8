// Which queued tasks start now: pure, given a snapshot of the tasks and the
// caps, so the daemon's loop only gathers state and carries out decisions.
//
// Rules, in order:
//   - a queued task whose parent failed, was rejected, rolled back, cancelled
//     or is itself held, is held, with the parent and its state as the reason
//     (never run on a base that no longer stands);
//   - a queued task whose parents' runs all succeeded (whatever the commit
//     step has done with them since, short of ending them) is runnable; it
//     starts from its first parent's branch (none: the repository's base);
//   - runnable tasks start by priority (high first), then submission order,
//     while the global, per-repository and per-agent caps leave room
//     (running tasks count against them).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "store/task_state.h"

namespace corral::scheduler {

struct TaskView {
  std::string id;
  std::string repo;
  std::string agent;
  int priority = 0;
  int64_t sequence = 0;  // submission order
  store::TaskState state = store::TaskState::kQueued;
  std::vector<std::string> parents;
};

struct Caps {
  int global = 4;
  int per_repo = 2;
  int per_agent = 4;
};

struct Decision {
  enum class Kind { kStart, kHold };
  Kind kind;
  std::string task;
  std::string base_task;  // kStart: the parent whose branch to start from ("" = repository base)
  std::string reason;     // kHold: why
};

std::vector<Decision> schedule(const std::vector<TaskView>& tasks, const Caps& caps);

// Where a pass may still start tasks, given those running: the room left in
// all, and the repositories and agents at their caps (their queued tasks
// need not even be read).
struct Room {
  int global = 0;
  std::vector<std::string> full_repos;
  std::vector<std::string> full_agents;
};
Room room_left(const std::vector<TaskView>& running, const Caps& caps);

}  // namespace corral::scheduler
