#include "runner/gateways/token_budget.h"

namespace corral::runner {

bool TokenBudget::at_least(double share) const {
  auto reached = [share](int64_t used, int64_t limit) {
    return limit > 0 && static_cast<double>(used) >= share * static_cast<double>(limit);
  };
  return reached(tokens_, limits_.tokens) || reached(calls_, limits_.calls);
}

BudgetCrossing TokenBudget::charge(const TokenUsage& usage) {
  MutexLock lock(mutex_);
  tokens_ += usage.total();
  calls_ += 1;
  if (!exceeded_reported_ && at_least(1.0)) {
    exceeded_reported_ = warned_ = true;
    return BudgetCrossing::kExceeded;
  }
  if (!warned_ && at_least(kWarningShare)) {
    warned_ = true;
    return BudgetCrossing::kWarning;
  }
  return BudgetCrossing::kNone;
}

bool TokenBudget::exceeded() const {
  MutexLock lock(mutex_);
  return at_least(1.0);
}

int64_t TokenBudget::tokens_used() const {
  MutexLock lock(mutex_);
  return tokens_;
}

int64_t TokenBudget::calls_used() const {
  MutexLock lock(mutex_);
  return calls_;
}

}  // namespace corral::runner
