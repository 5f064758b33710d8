// The repository a request names, once the caller may do `action` on it:
// not_found naming the id, or permission_denied (policy/access.h).
#pragma once

#include <string>

#include "policy/access.h"
#include "store/store.h"

namespace corral::api {

Result<store::RepoRecord> repo_for(store::Transaction& store, const policy::Caller& caller, const std::string& repo_id,
                                   policy::Action action);

}  // namespace corral::api
