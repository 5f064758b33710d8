#include "api/scorecard_desk.h"

#include <nlohmann/json.hpp>

#include "metrics/scorecard.h"

namespace corral::api {

Result<nlohmann::json> scorecard(store::Store& store, const policy::Caller& caller, std::string repo_id, int days) {
  if (repo_id.empty() && caller.repo_scope != "*") repo_id = caller.repo_scope;
  CORRAL_RETURN_IF_ERROR(policy::check_access(caller, policy::Action::kRead, repo_id));
  std::string since = format_rfc3339(store.clock().now() - std::chrono::hours(24) * days);
  auto tx = store.lock();
  CORRAL_ASSIGN_OR_RETURN(nlohmann::json card, metrics::scorecard(tx, repo_id, since));
  card["days"] = days;
  return card;
}

}  // namespace corral::api
