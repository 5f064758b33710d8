#include "git/publish.h"

#include <filesystem>

#include "git/git_handles.h"

namespace corral::git {

Status publish_branch(const std::string& mirror_path, const std::string& target_path, const std::string& branch) {
  std::string ref = "refs/heads/" + branch;
  auto mirror = open_repository(mirror_path);
  if (!mirror.is_ok()) return mirror.status();
  git_oid tip;
  CORRAL_RETURN_IF_ERROR(
      git_status(git_reference_name_to_id(&tip, mirror->get(), ref.c_str()), "reading " + branch + " in the mirror"));
  auto target = open_repository(target_path);
  if (!target.is_ok()) return target.status();
  git_oid existing;
  if (git_reference_name_to_id(&existing, target->get(), ref.c_str()) == 0) {
    return Status::already_exists(target_path + " already has a branch " + branch + "; corral never overwrites it");
  }

  CORRAL_ASSIGN_OR_RETURN(RemotePtr remote,
                          anonymous_remote(target->get(), mirror_path, "the mirror from " + target_path));
  char* specs[] = {ref.data()};  // no destination: objects only, no ref written by the fetch
  git_strarray refspecs = {specs, 1};
  git_fetch_options options = GIT_FETCH_OPTIONS_INIT;
  options.update_fetchhead = 0;
  options.download_tags = GIT_REMOTE_DOWNLOAD_TAGS_NONE;
  int rc = git_remote_fetch(remote.get(), &refspecs, &options, nullptr);
  CORRAL_RETURN_IF_ERROR(git_status(rc, "copying " + branch + " into " + target_path));

  // A corral killed while creating this ref left its lock (found by RandomKills).
  std::error_code ignored;
  std::filesystem::remove(std::filesystem::path(git_repository_path(target->get())) / (ref + ".lock"), ignored);
  git_reference* created = nullptr;
  rc = git_reference_create(&created, target->get(), ref.c_str(), &tip, /*force=*/0, "corral: publish task branch");
  ReferencePtr owned(created);
  if (rc == GIT_EEXISTS) {
    return Status::already_exists(target_path + " already has a branch " + branch + "; corral never overwrites it");
  }
  return git_status(rc, "creating " + branch + " in " + target_path);
}

}  // namespace corral::git
