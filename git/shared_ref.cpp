#include "git/shared_ref.h"

#include "git/ancestry.h"
#include "git/git_handles.h"

namespace corral::git {
namespace {

// Compare-and-swap of `ref` from `expected` ("" = absent) to `target`.
Status swap_ref(const std::string& repo_path, const std::string& ref, const std::string& expected,
                const std::string& target, const std::string& log_message) {
  auto repo = open_repository(repo_path);
  if (!repo.is_ok()) return repo.status();
  auto target_oid = parse_oid(target);
  if (!target_oid.is_ok()) return target_oid.status();
  git_reference* raw = nullptr;
  int rc;
  if (expected.empty()) {
    rc = git_reference_create(&raw, repo->get(), ref.c_str(), &*target_oid, /*force=*/0, log_message.c_str());
  } else {
    auto expected_oid = parse_oid(expected);
    if (!expected_oid.is_ok()) return expected_oid.status();
    rc = git_reference_create_matching(&raw, repo->get(), ref.c_str(), &*target_oid, /*force=*/1, &*expected_oid,
                                       log_message.c_str());
  }
  ReferencePtr owned(raw);
  if (rc == GIT_EMODIFIED || rc == GIT_EEXISTS || rc == GIT_ENOTFOUND) {
    return Status::failed_precondition(ref + " moved: it is no longer at " + (expected.empty() ? "nothing" : expected));
  }
  return git_status(rc, "updating " + ref);
}

}  // namespace

Result<std::string> read_ref(const std::string& repo_path, const std::string& ref) {
  auto repo = open_repository(repo_path);
  if (!repo.is_ok()) return repo.status();
  git_oid oid;
  int rc = git_reference_name_to_id(&oid, repo->get(), ref.c_str());
  if (rc == GIT_ENOTFOUND) return std::string();
  CORRAL_RETURN_IF_ERROR(git_status(rc, "reading " + ref));
  return oid_hex(oid);
}

Status advance_ref(const std::string& repo_path, const std::string& ref, const std::string& expected,
                   const std::string& new_tip, const std::string& log_message) {
  if (!expected.empty()) {
    auto forward = is_ancestor(repo_path, expected, new_tip);
    if (!forward.is_ok()) return forward.status();
    if (!*forward) {
      auto lost = commits_lost(repo_path, expected, new_tip);
      size_t count = lost.is_ok() ? lost->size() : 0;
      return Status::permission_denied("moving " + ref + " from " + expected + " to " + new_tip + " would drop " +
                                       std::to_string(count) + " commit(s); shared branches only move forward");
    }
  }
  return swap_ref(repo_path, ref, expected, new_tip, log_message);
}

Status withdraw_unpublished(const std::string& repo_path, const std::string& ref, const std::string& unpublished,
                            const std::string& published) {
  if (published.empty()) {  // the branch did not exist before: remove the record again
    auto repo = open_repository(repo_path);
    if (!repo.is_ok()) return repo.status();
    git_reference* raw = nullptr;
    CORRAL_RETURN_IF_ERROR(git_status(git_reference_lookup(&raw, repo->get(), ref.c_str()), "reading " + ref));
    ReferencePtr current(raw);
    const git_oid* target = git_reference_target(current.get());
    if (!target || oid_hex(*target) != unpublished) return Status::failed_precondition(ref + " moved meanwhile");
    return git_status(git_reference_delete(current.get()), "removing " + ref);
  }
  auto behind = is_ancestor(repo_path, published, unpublished);
  if (!behind.is_ok()) return behind.status();
  if (!*behind) return Status::internal(published + " is not an ancestor of the unpublished " + unpublished);
  return swap_ref(repo_path, ref, unpublished, published, "corral: withdraw a tip the upstream refused");
}

}  // namespace corral::git
