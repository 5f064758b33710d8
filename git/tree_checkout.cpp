#include "git/tree_checkout.h"

#include <filesystem>

#include "git/git_handles.h"

namespace corral::git {

Status check_out_commit(const std::string& mirror_path, const std::string& commit, const std::string& directory,
                        const std::string& index_path) {
  auto repo = open_repository(mirror_path);
  if (!repo.is_ok()) return repo.status();
  auto base = lookup_commit(repo->get(), commit);
  if (!base.is_ok()) return base.status();
  auto tree = commit_tree(base->get());
  if (!tree.is_ok()) return tree.status();

  git_index* raw = nullptr;
  CORRAL_RETURN_IF_ERROR(git_status(git_index_open(&raw, index_path.c_str()), "creating " + index_path));
  IndexPtr index(raw);
  CORRAL_RETURN_IF_ERROR(git_status(git_index_read_tree(index.get(), tree->get()), "reading the commit's tree"));
  CORRAL_RETURN_IF_ERROR(git_status(git_index_write(index.get()), "writing " + index_path));

  std::error_code ec;
  if (!std::filesystem::create_directory(directory, ec)) {
    return Status::from_errno(ec ? ec.value() : EEXIST, "creating checkout " + directory);
  }
  git_checkout_options options = GIT_CHECKOUT_OPTIONS_INIT;
  // The directory is new and no index of the mirror's is touched.
  options.checkout_strategy = GIT_CHECKOUT_FORCE | GIT_CHECKOUT_DONT_UPDATE_INDEX;
  options.target_directory = directory.c_str();
  int rc = git_checkout_tree(repo->get(), reinterpret_cast<git_object*>(tree->get()), &options);
  return git_status(rc, "checking out " + commit + " into " + directory);
}

}  // namespace corral::git
