// The RuleContext the watcher gives the rules: the store under one
// transaction, and what it keeps across passes: repositories' settings (the
// watcher drops a repository's entry when its policy.changed goes by) and the
// tools known to be used in each repository (asked of the store only once).
#pragma once

#include <map>
#include <set>
#include <string>

#include "alerts/rule_book.h"
#include "store/store.h"

namespace corral::alerts {

struct ContextCache {
  std::map<std::string, settings::RepoSettings> settings;
  std::set<std::pair<std::string, std::string>> tools;  // (repository, tool) used there before
};

class StoreContext final : public RuleContext {
 public:
  StoreContext(store::Transaction& tx, ContextCache& cache) : tx_(tx), cache_(cache) {}

  const settings::RepoSettings& settings_of(const std::string& repo_id) override;
  std::vector<InFlightChange> in_flight(const std::string& repo_id, const std::string& except_task) override;
  bool first_use_of_tool(const std::string& repo_id, const std::string& tool, const std::string& run_id) override;

  // The first error a question met (answered as if the store held nothing).
  const Status& error() const { return error_; }

 private:
  void note(const Status& status) {
    if (!status.is_ok() && error_.is_ok()) error_ = status;
  }

  store::Transaction& tx_;
  ContextCache& cache_;
  Status error_;
};

}  // namespace corral::alerts
