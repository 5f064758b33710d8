#include "git/workspace_repository.h"

#include <filesystem>
#include <fstream>

namespace corral::git {
namespace {

namespace fs = std::filesystem;

Status write_file(const fs::path& path, const std::string& text) {
  std::error_code ec;
  fs::create_directories(path.parent_path(), ec);
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  if (!out) return Status::io("writing " + path.string());
  return Status::ok();
}

}  // namespace

Status give_workspace_repository(const std::string& worktree_path, const std::string& branch, const std::string& commit,
                                 const std::string& objects_path, const std::string& checkout_index) {
  fs::path git_dir = fs::path(worktree_path) / ".git";
  std::error_code ec;
  fs::remove(git_dir, ec);  // the worktree's link into the mirror
  if (ec) return Status::from_errno(ec.value(), "replacing " + git_dir.string());
  for (const char* dir : {"objects/pack", "objects/info", "refs/tags", "info"}) {
    fs::create_directories(git_dir / dir, ec);
    if (ec) return Status::from_errno(ec.value(), "creating " + (git_dir / dir).string());
  }
  CORRAL_RETURN_IF_ERROR(write_file(git_dir / "HEAD", "ref: refs/heads/" + branch + "\n"));
  CORRAL_RETURN_IF_ERROR(write_file(git_dir / "refs" / "heads" / branch, commit + "\n"));
  CORRAL_RETURN_IF_ERROR(write_file(git_dir / "objects" / "info" / "alternates", objects_path + "\n"));
  CORRAL_RETURN_IF_ERROR(
      write_file(git_dir / "config", "[core]\n\trepositoryformatversion = 0\n\tfilemode = true\n\tbare = false\n"));
  fs::copy_file(checkout_index, git_dir / "index", fs::copy_options::overwrite_existing, ec);
  if (ec) return Status::from_errno(ec.value(), "copying the checkout's index " + checkout_index);
  return Status::ok();
}

}  // namespace corral::git
