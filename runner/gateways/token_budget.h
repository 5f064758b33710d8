// A token and call budget: one per task, one per repository and day. A run's
// LLM gateway charges every call to each budget it is under; crossing 80% of
// either limit is a warning, reaching it means exceeded: the gateway refuses
// further calls and stops the run. Thread-safe (a repository's day budget is
// shared by its concurrent runs).
#pragma once

#include <cstdint>
#include <mutex>
#include <string>

#include "core/thread_annotations.h"
#include "runner/gateways/llm_usage.h"

namespace corral::runner {

struct BudgetLimits {
  int64_t tokens = 0;  // 0: no limit
  int64_t calls = 0;
};

enum class BudgetCrossing { kNone, kWarning, kExceeded };

class TokenBudget {
 public:
  static constexpr double kWarningShare = 0.8;

  // `scope` names it in events: "task", "repository_day".
  TokenBudget(std::string scope, BudgetLimits limits, int64_t tokens_used = 0, int64_t calls_used = 0)
      : scope_(std::move(scope)), limits_(limits), tokens_(tokens_used), calls_(calls_used) {}

  // Adds one call; the crossing it caused (each is reported once).
  BudgetCrossing charge(const TokenUsage& usage);
  bool exceeded() const;

  const std::string& scope() const { return scope_; }
  BudgetLimits limits() const { return limits_; }
  int64_t tokens_used() const;
  int64_t calls_used() const;

 private:
  bool at_least(double share) const CORRAL_REQUIRES(mutex_);

  const std::string scope_;
  const BudgetLimits limits_;
  mutable Mutex mutex_;
  int64_t tokens_ CORRAL_GUARDED_BY(mutex_);
  int64_t calls_ CORRAL_GUARDED_BY(mutex_);
  bool warned_ CORRAL_GUARDED_BY(mutex_) = false;
  bool exceeded_reported_ CORRAL_GUARDED_BY(mutex_) = false;
};

}  // namespace corral::runner
