#include "store/task_state.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace corral::store {
namespace {

constexpr TaskState kAll[] = {TaskState::kQueued,     TaskState::kRunning,      TaskState::kSucceeded,
                              TaskState::kFailed,     TaskState::kRejected,     TaskState::kRolledBack,
                              TaskState::kCancelled,  TaskState::kHeld,         TaskState::kReview,
                              TaskState::kMerging,    TaskState::kMerged,       TaskState::kRefused,
                              TaskState::kConflicted, TaskState::kChecksFailed, TaskState::kMergeFailed};

TEST(TaskState, EveryStateRoundTripsThroughItsStoredNameAndJson) {
  for (TaskState state : kAll) {
    EXPECT_EQ(parse_state(stored_name(state)), state) << stored_name(state);
    EXPECT_EQ(nlohmann::json(state), stored_name(state));
  }
  EXPECT_EQ(parse_state("rolled back"), std::nullopt) << "the display name is not a stored name";
  EXPECT_EQ(parse_state(""), std::nullopt);
}

TEST(TaskState, TheLegalMovesAreExactlyTheLifeOfATask) {
  struct Move {
    TaskState from, to;
    bool legal;
  };
  const Move moves[] = {
      {TaskState::kQueued, TaskState::kRunning, true},    {TaskState::kQueued, TaskState::kHeld, true},
      {TaskState::kQueued, TaskState::kMerged, false},    {TaskState::kQueued, TaskState::kSucceeded, false},
      {TaskState::kRunning, TaskState::kSucceeded, true}, {TaskState::kRunning, TaskState::kQueued, true},
      {TaskState::kRunning, TaskState::kReview, false},   {TaskState::kSucceeded, TaskState::kReview, true},
      {TaskState::kSucceeded, TaskState::kMerged, false}, {TaskState::kReview, TaskState::kMerging, true},
      {TaskState::kReview, TaskState::kMerged, false},    {TaskState::kMerging, TaskState::kMerged, true},
      {TaskState::kMerging, TaskState::kHeld, true},      {TaskState::kMerged, TaskState::kRolledBack, true},
      {TaskState::kMerged, TaskState::kQueued, false},    {TaskState::kRolledBack, TaskState::kQueued, false},
      {TaskState::kRejected, TaskState::kQueued, false},  {TaskState::kConflicted, TaskState::kQueued, true},
      {TaskState::kHeld, TaskState::kCancelled, true},    {TaskState::kMergeFailed, TaskState::kMerging, false},
  };
  for (const Move& move : moves) {
    EXPECT_EQ(is_legal_move(move.from, move.to), move.legal)
        << stored_name(move.from) << " -> " << stored_name(move.to);
  }
}

TEST(TaskState, NoStateMovesToItself) {
  for (TaskState state : kAll) EXPECT_FALSE(is_legal_move(state, state)) << stored_name(state);
}

}  // namespace
}  // namespace corral::store
