#include "admission/budget_book.h"

#include <nlohmann/json.hpp>

#include <algorithm>

#include "core/clock.h"
#include "runner/gateways/llm_usage.h"

namespace corral::admission {
namespace {

// What recorded llm.call events used.
struct Used {
  int64_t tokens = 0, calls = 0;
  void add(const store::StoredEvent& stored) {
    tokens += runner::usage_of(nlohmann::json::parse(stored.event.payload, nullptr, false)).total();
    calls += 1;
  }
};

// "YYYY-MM-DD" in UTC: the prefix of the events' own time stamps.
std::string utc_day(TimePoint now) { return format_rfc3339(now).substr(0, 10); }

// The same budget if its limits are still the owner's, else one with the new
// limits that keeps what was used.
std::shared_ptr<runner::TokenBudget> with_limits(std::shared_ptr<runner::TokenBudget> budget,
                                                 runner::BudgetLimits limits) {
  if (budget->limits().tokens == limits.tokens && budget->limits().calls == limits.calls) return budget;
  return std::make_shared<runner::TokenBudget>(budget->scope(), limits, budget->tokens_used(), budget->calls_used());
}

// The smaller of two limits where 0 means none.
int64_t tighter(int64_t a, int64_t b) {
  if (a == 0) return b;
  if (b == 0) return a;
  return std::min(a, b);
}

}  // namespace

Result<std::vector<std::shared_ptr<runner::TokenBudget>>> BudgetBook::budgets_for(
    store::Transaction& store, const store::QueuedTask& task, const settings::BoundarySettings& settings,
    TimePoint now) {
  MutexLock lock(mutex_);
  const std::string& task_id = task.id;
  const std::string& repo_id = task.repo_id;
  std::vector<std::shared_ptr<runner::TokenBudget>> budgets;
  runner::BudgetLimits task_limits{tighter(task.budget_tokens, settings.task_tokens),
                                   tighter(task.budget_calls, settings.task_calls)};
  if (task_limits.tokens > 0 || task_limits.calls > 0) {
    auto& budget = tasks_[task_id];
    if (!budget) {
      auto events = store.events.for_task(task_id);
      if (!events.is_ok()) return events.status();
      Used used;
      for (const auto& stored : *events) {
        if (stored.event.type == "llm.call") used.add(stored);
      }
      budget = std::make_shared<runner::TokenBudget>("task", task_limits, used.tokens, used.calls);
    }
    budget = with_limits(budget, task_limits);
    budgets.push_back(budget);
  }
  runner::BudgetLimits day_limits{settings.daily_tokens, settings.daily_calls};
  if (day_limits.tokens > 0 || day_limits.calls > 0) {
    std::string day = utc_day(now);
    auto& budget = days_[{repo_id, day}];
    if (!budget) {
      Used used;
      for (int64_t seq = 0;;) {
        auto page = store.events.after(seq, {"", repo_id, "llm.call"}, 1000);
        if (!page.is_ok()) return page.status();
        for (const auto& stored : *page) {
          if (stored.time.rfind(day, 0) == 0) used.add(stored);
        }
        if (page->size() < 1000) break;
        seq = page->back().seq;
      }
      budget = std::make_shared<runner::TokenBudget>("repository_day", day_limits, used.tokens, used.calls);
    }
    budget = with_limits(budget, day_limits);
    budgets.push_back(budget);
  }
  return budgets;
}

}  // namespace corral::admission
