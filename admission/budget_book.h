// The daemon's token budgets: one per task (across its runs) and one per
// repository and UTC day (shared by its concurrent runs), made on first use
// and seeded from the llm.call events already in the store, so a restart
// does not hand out a fresh budget.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "core/data_layout.h"
#include "core/thread_annotations.h"
#include "policy/access.h"
#include "runner/gateways/token_budget.h"
#include "settings/boundary_settings.h"
#include "store/store.h"

namespace corral::admission {

class BudgetBook {
 public:
  // The budgets a run of `task` is under ("task", "repository_day"): the
  // task's own limits held to the repository's (`settings`; 0 is none on
  // either side), and the repository's daily ones. Call within a store::Transaction.
  Result<std::vector<std::shared_ptr<runner::TokenBudget>>> budgets_for(store::Transaction& store,
                                                                        const store::QueuedTask& task,
                                                                        const settings::BoundarySettings& settings,
                                                                        TimePoint now);

 private:
  Mutex mutex_;
  std::map<std::string, std::shared_ptr<runner::TokenBudget>> tasks_ CORRAL_GUARDED_BY(mutex_);
  // by (repo, day)
  std::map<std::pair<std::string, std::string>, std::shared_ptr<runner::TokenBudget>> days_ CORRAL_GUARDED_BY(mutex_);
};

}  // namespace corral::admission
