// The scorecard through the API (metrics/scorecard.h): one repository's for
// its readers, every repository's for unscoped readers.
#pragma once

#include <nlohmann/json_fwd.hpp>

#include <string>

#include "policy/access.h"
#include "store/store.h"

namespace corral::api {

// `repo_id` "" for every repository the caller may read (a scoped caller: its
// own); the last `days` days.
Result<nlohmann::json> scorecard(store::Store& store, const policy::Caller& caller, std::string repo_id, int days);

}  // namespace corral::api
