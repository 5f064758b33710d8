#include "git/publish.h"

#include "git/git_handles.h"

namespace corral::git {
namespace {

struct PushOutcome {
  std::string rejection;  // set by the remote's per-ref status
};

int on_push_update(const char* refname, const char* status, void* payload) {
  if (status) {
    static_cast<PushOutcome*>(payload)->rejection = std::string(refname) + ": " + status;
  }
  return 0;
}

}  // namespace

Status publish_branch(const std::string& mirror_path, const std::string& target_path,
                      const std::string& branch) {
  auto mirror = open_repository(mirror_path);
  if (!mirror.is_ok()) return mirror.status();
  std::string ref = "refs/heads/" + branch;
  auto target = open_repository(target_path);
  if (!target.is_ok()) return target.status();
  git_oid existing;
  if (git_reference_name_to_id(&existing, target->get(), ref.c_str()) == 0) {
    return Status::already_exists(target_path + " already has a branch " + branch +
                                  "; corral never overwrites it");
  }

  git_remote* raw = nullptr;
  int rc = git_remote_create_anonymous(&raw, mirror->get(), target_path.c_str());
  RemotePtr remote(raw);
  CORRAL_RETURN_IF_ERROR(git_status(rc, "connecting to " + target_path));
  std::string refspec = ref + ":" + ref;  // no leading '+': never a forced update
  char* specs[] = {refspec.data()};
  git_strarray refspecs = {specs, 1};
  PushOutcome outcome;
  git_push_options options = GIT_PUSH_OPTIONS_INIT;
  options.callbacks.push_update_reference = on_push_update;
  options.callbacks.payload = &outcome;
  rc = git_remote_push(remote.get(), &refspecs, &options);
  CORRAL_RETURN_IF_ERROR(git_status(rc, "pushing " + branch + " to " + target_path));
  if (!outcome.rejection.empty()) {
    return Status::failed_precondition("push rejected: " + outcome.rejection);
  }
  return Status::ok();
}

}  // namespace corral::git
