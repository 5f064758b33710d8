#include "git/change_commit.h"

#include <sys/stat.h>

#include <map>
#include <optional>

#include "git/branch_commit.h"

namespace corral::git {
namespace {

using TreeBuilderPtr = std::unique_ptr<git_treebuilder, Freer<git_treebuilder, git_treebuilder_free>>;
using TreeEntryPtr = std::unique_ptr<git_tree_entry, Freer<git_tree_entry, git_tree_entry_free>>;

struct Blob {
  git_oid id;
  git_filemode_t mode;
};

// The changes as a tree of their own: only the directories something changed
// in are visited, so the cost follows the change, not the repository.
struct Node {
  bool replaced = false;     // the base's entry here is dropped before anything under it is added
  std::optional<Blob> blob;  // a file or symlink written here
  std::map<std::string, Node> children;
};

Node& descend(Node& root, const std::string& path) {
  Node* node = &root;
  size_t start = 0;
  while (start <= path.size()) {
    size_t slash = path.find('/', start);
    if (slash == std::string::npos) slash = path.size();
    node = &node->children[path.substr(start, slash - start)];
    if (slash < path.size() && node->blob) {  // a file that became a directory
      node->blob.reset();
      node->replaced = true;
    }
    start = slash + 1;
  }
  return *node;
}

void replace(Node& node, std::optional<Blob> blob) {
  node.replaced = true;
  node.blob = blob;
  node.children.clear();
}

bool has_git_component(const std::string& path) {
  return path == ".git" || path.starts_with(".git/") || path.ends_with("/.git") ||
         path.find("/.git/") != std::string::npos;
}

// The subtree of `base` named `name`, or null when there is none (or it is a file).
Result<TreePtr> subtree(git_repository* repo, const git_tree* base, const std::string& name) {
  if (!base) return TreePtr();
  const git_tree_entry* entry = git_tree_entry_byname(base, name.c_str());
  if (!entry || git_tree_entry_type(entry) != GIT_OBJECT_TREE) return TreePtr();
  git_tree* raw = nullptr;
  CORRAL_RETURN_IF_ERROR(git_status(git_tree_lookup(&raw, repo, git_tree_entry_id(entry)), "reading tree " + name));
  return TreePtr(raw);
}

// The tree `node` makes of `base` (null: none); nullopt when it is empty.
Result<std::optional<git_oid>> build(git_repository* repo, const Node& node, const git_tree* base) {
  git_treebuilder* raw = nullptr;
  CORRAL_RETURN_IF_ERROR(git_status(git_treebuilder_new(&raw, repo, node.replaced ? nullptr : base), "editing a tree"));
  TreeBuilderPtr builder(raw);
  for (const auto& [name, child] : node.children) {
    if (child.blob) {
      CORRAL_RETURN_IF_ERROR(
          git_status(git_treebuilder_insert(nullptr, builder.get(), name.c_str(), &child.blob->id, child.blob->mode),
                     "adding " + name));
      continue;
    }
    TreePtr child_base;
    if (!child.replaced) {
      CORRAL_ASSIGN_OR_RETURN(child_base, subtree(repo, node.replaced ? nullptr : base, name));
    }
    CORRAL_ASSIGN_OR_RETURN(auto built, build(repo, child, child_base.get()));
    if (built) {
      CORRAL_RETURN_IF_ERROR(git_status(
          git_treebuilder_insert(nullptr, builder.get(), name.c_str(), &*built, GIT_FILEMODE_TREE), "adding " + name));
    } else if (git_treebuilder_get(builder.get(), name.c_str())) {
      CORRAL_RETURN_IF_ERROR(git_status(git_treebuilder_remove(builder.get(), name.c_str()), "removing " + name));
    }
  }
  if (git_treebuilder_entrycount(builder.get()) == 0) return std::optional<git_oid>();
  git_oid id;
  CORRAL_RETURN_IF_ERROR(git_status(git_treebuilder_write(&id, builder.get()), "writing a tree"));
  return std::optional<git_oid>(id);
}

bool tracked(git_tree* base, const std::string& path) {
  git_tree_entry* raw = nullptr;
  if (git_tree_entry_bypath(&raw, base, path.c_str()) != 0) return false;
  TreeEntryPtr entry(raw);
  return git_tree_entry_type(entry.get()) == GIT_OBJECT_BLOB;
}

// The blob `path` holds in the workdir now; nullopt when it is not a file or
// a symlink (git does not track those), or is new and ignored.
Result<std::optional<Blob>> read_written(git_repository* repo, git_tree* base, const std::string& workdir,
                                         const std::string& path) {
  struct stat info {};
  if (::lstat((workdir + "/" + path).c_str(), &info) != 0) return std::optional<Blob>();
  git_filemode_t mode;
  if (S_ISLNK(info.st_mode)) {
    mode = GIT_FILEMODE_LINK;
  } else if (S_ISREG(info.st_mode)) {
    mode = (info.st_mode & S_IXUSR) ? GIT_FILEMODE_BLOB_EXECUTABLE : GIT_FILEMODE_BLOB;
  } else {
    return std::optional<Blob>();
  }
  if (!tracked(base, path)) {
    int ignored = 0;
    CORRAL_RETURN_IF_ERROR(git_status(git_ignore_path_is_ignored(&ignored, repo, path.c_str()), "reading .gitignore"));
    if (ignored) return std::optional<Blob>();
  }
  Blob blob{{}, mode};
  CORRAL_RETURN_IF_ERROR(git_status(git_blob_create_from_workdir(&blob.id, repo, path.c_str()), "reading " + path));
  return std::optional<Blob>(blob);
}

}  // namespace

Result<Snapshot> commit_changes(const std::string& mirror_path, const std::string& workdir, const std::string& branch,
                                const std::string& base_commit, const std::vector<PathChange>& changes,
                                const CommitDetails& details, TimePoint when) {
  auto repo = open_repository(mirror_path);
  if (!repo.is_ok()) return repo.status();
  int rc = git_repository_set_workdir(repo->get(), workdir.c_str(), /*update_gitlink=*/0);
  CORRAL_RETURN_IF_ERROR(git_status(rc, "reading workspace " + workdir));
  auto base = lookup_commit(repo->get(), base_commit);
  if (!base.is_ok()) return base.status();
  auto base_tree = commit_tree(base->get());
  if (!base_tree.is_ok()) return base_tree.status();

  Node root;
  for (const PathChange& change : changes) {
    if (change.path.empty() || has_git_component(change.path)) continue;
    std::optional<Blob> blob;
    if (change.kind == PathChange::Kind::kWritten) {
      CORRAL_ASSIGN_OR_RETURN(blob, read_written(repo->get(), base_tree->get(), workdir, change.path));
      if (!blob && !tracked(base_tree->get(), change.path)) continue;  // new, and not something git takes
    }
    replace(descend(root, change.path), blob);
  }
  CORRAL_ASSIGN_OR_RETURN(auto tree, build(repo->get(), root, base_tree->get()));
  if (!tree) {
    git_treebuilder* raw = nullptr;  // everything was removed: the empty tree
    CORRAL_RETURN_IF_ERROR(git_status(git_treebuilder_new(&raw, repo->get(), nullptr), "editing a tree"));
    TreeBuilderPtr empty(raw);
    tree.emplace();
    CORRAL_RETURN_IF_ERROR(git_status(git_treebuilder_write(&*tree, empty.get()), "writing the empty tree"));
  }
  return commit_on_branch(repo->get(), base->get(), *tree, branch, details, when);
}

}  // namespace corral::git
