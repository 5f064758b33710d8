#include "git/revision.h"

#include "git/git_handles.h"

namespace corral::git {

Result<std::string> resolve_commit(const std::string& repo_path, const std::string& rev) {
  CORRAL_ASSIGN_OR_RETURN(ResolvedRevision resolved, resolve_revision(repo_path, rev));
  return resolved.commit;
}

Result<ResolvedRevision> resolve_revision(const std::string& repo_path, const std::string& rev) {
  auto repo = open_repository(repo_path);
  if (!repo.is_ok()) return repo.status();
  git_object* raw = nullptr;
  git_reference* raw_ref = nullptr;
  int rc = git_revparse_ext(&raw, &raw_ref, repo->get(), rev.c_str());
  ObjectPtr object(raw);
  ReferencePtr ref(raw_ref);
  if (rc < 0) {
    return Status::not_found("revision '" + rev + "' does not exist in " + repo_path);
  }
  git_object* peeled_raw = nullptr;
  rc = git_object_peel(&peeled_raw, object.get(), GIT_OBJECT_COMMIT);
  ObjectPtr peeled(peeled_raw);
  if (rc < 0) return Status::invalid_argument("revision '" + rev + "' does not name a commit");
  return ResolvedRevision{oid_hex(*git_object_id(peeled.get())), ref ? git_reference_name(ref.get()) : ""};
}

bool is_valid_branch_name(const std::string& name) {
  ensure_libgit2();
  int valid = 0;
  return git_branch_name_is_valid(&valid, name.c_str()) == 0 && valid;
}

}  // namespace corral::git
