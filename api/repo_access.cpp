#include "api/repo_access.h"

namespace corral::api {

Result<store::RepoRecord> repo_for(store::Transaction& store, const policy::Caller& caller, const std::string& repo_id,
                                   policy::Action action) {
  auto repo = store.records.find_repo(repo_id);
  if (!repo.is_ok()) return repo.status();
  if (!*repo) return Status::not_found("no repository " + repo_id);
  CORRAL_RETURN_IF_ERROR(policy::check_access(caller, action, repo_id));
  return **repo;
}

}  // namespace corral::api
