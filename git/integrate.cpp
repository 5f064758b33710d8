#include "git/integrate.h"

#include <chrono>

#include "git/ancestry.h"
#include "git/git_handles.h"

namespace corral::git {
namespace {

Result<SignaturePtr> signature_of(const Committer& committer) {
  auto seconds = std::chrono::duration_cast<std::chrono::seconds>(committer.when.time_since_epoch()).count();
  git_signature* raw = nullptr;
  int rc =
      git_signature_new(&raw, committer.name.c_str(), committer.email.c_str(), static_cast<git_time_t>(seconds), 0);
  SignaturePtr sig(raw);
  CORRAL_RETURN_IF_ERROR(git_status(rc, "making commit signature"));
  return sig;
}

std::vector<std::string> conflicting_paths(git_index* index) {
  std::vector<std::string> paths;
  git_index_conflict_iterator* raw = nullptr;
  if (git_index_conflict_iterator_new(&raw, index) != 0) return paths;
  const git_index_entry *ancestor = nullptr, *ours = nullptr, *theirs = nullptr;
  while (git_index_conflict_next(&ancestor, &ours, &theirs, raw) == 0) {
    const git_index_entry* any = ours ? ours : theirs ? theirs : ancestor;
    if (any) paths.emplace_back(any->path);
  }
  git_index_conflict_iterator_free(raw);
  return paths;
}

// The tree an in-memory merge index describes, or its conflicts.
struct TreeOrConflicts {
  git_oid tree;
  std::vector<std::string> conflicts;
};

Result<TreeOrConflicts> write_index(git_repository* repo, git_index* raw_index) {
  IndexPtr index(raw_index);
  TreeOrConflicts out{};
  if (git_index_has_conflicts(index.get())) {
    out.conflicts = conflicting_paths(index.get());
    return out;
  }
  CORRAL_RETURN_IF_ERROR(git_status(git_index_write_tree_to(&out.tree, index.get(), repo), "writing a tree"));
  return out;
}

// Writes a commit of `tree` with `parents`; the new id.
Result<git_oid> write_commit(git_repository* repo, const git_oid& tree_id, const git_signature* author,
                             const git_signature* committer, const std::string& message,
                             const std::vector<git_commit*>& parents) {
  git_tree* raw_tree = nullptr;
  CORRAL_RETURN_IF_ERROR(git_status(git_tree_lookup(&raw_tree, repo, &tree_id), "reading a tree"));
  TreePtr tree(raw_tree);
  git_oid id;
  std::vector<const git_commit*> parent_list(parents.begin(), parents.end());
  int rc = git_commit_create(&id, repo, nullptr, author, committer, "UTF-8", message.c_str(), tree.get(),
                             parent_list.size(), parent_list.data());
  CORRAL_RETURN_IF_ERROR(git_status(rc, "writing a commit"));
  return id;
}

// One step of a replay: `apply` merges one commit into an index on top of
// `current`; the result becomes the new current unless it changes nothing.
template <typename Apply, typename Message>
Result<Integration> replay(const std::string& repo_path, const std::vector<CommitInfo>& commits,
                           const std::string& onto, const Committer& committer, Apply apply, Message message_for) {
  auto repo = open_repository(repo_path);
  if (!repo.is_ok()) return repo.status();
  auto sig = signature_of(committer);
  if (!sig.is_ok()) return sig.status();
  Integration result;
  result.head = onto;
  for (const CommitInfo& info : commits) {
    auto commit = lookup_commit(repo->get(), info.id);
    if (!commit.is_ok()) return commit.status();
    auto current = lookup_commit(repo->get(), result.head);
    if (!current.is_ok()) return current.status();
    git_index* raw = nullptr;
    CORRAL_RETURN_IF_ERROR(git_status(apply(&raw, repo->get(), commit->get(), current->get()), "applying " + info.id));
    auto tree = write_index(repo->get(), raw);
    if (!tree.is_ok()) return tree.status();
    if (!tree->conflicts.empty()) return Integration{"", std::move(tree->conflicts), 0};
    if (git_oid_equal(&tree->tree, git_commit_tree_id(current->get()))) continue;  // nothing left to apply
    bool keep_author = true;
    std::string message = message_for(commit->get(), keep_author);
    const git_signature* author = keep_author ? git_commit_author(commit->get()) : sig->get();
    auto written = write_commit(repo->get(), tree->tree, author, sig->get(), message, {current->get()});
    if (!written.is_ok()) return written.status();
    result.head = oid_hex(*written);
    ++result.commits_written;
  }
  return result;
}

}  // namespace

Result<Integration> rebase_onto(const std::string& repo_path, const std::string& from, const std::string& to,
                                const std::string& onto, const Committer& committer) {
  auto commits = commits_between(repo_path, from, to);
  if (!commits.is_ok()) return commits.status();
  auto cherry_pick = [](git_index** out, git_repository* repo, git_commit* commit, git_commit* current) {
    git_merge_options options = GIT_MERGE_OPTIONS_INIT;
    return git_cherrypick_commit(out, repo, commit, current, 0, &options);
  };
  auto same_message = [](git_commit* commit, bool&) { return std::string(git_commit_message(commit)); };
  return replay(repo_path, *commits, onto, committer, cherry_pick, same_message);
}

Result<Integration> merge_onto(const std::string& repo_path, const std::string& onto, const std::string& head,
                               const std::string& message, const Committer& committer) {
  auto repo = open_repository(repo_path);
  if (!repo.is_ok()) return repo.status();
  auto ours = lookup_commit(repo->get(), onto);
  if (!ours.is_ok()) return ours.status();
  auto theirs = lookup_commit(repo->get(), head);
  if (!theirs.is_ok()) return theirs.status();
  auto contained = is_ancestor(repo_path, head, onto);
  if (!contained.is_ok()) return contained.status();
  if (*contained) return Integration{onto, {}, 0};
  git_index* raw = nullptr;
  git_merge_options options = GIT_MERGE_OPTIONS_INIT;
  CORRAL_RETURN_IF_ERROR(
      git_status(git_merge_commits(&raw, repo->get(), ours->get(), theirs->get(), &options), "merging " + head));
  auto tree = write_index(repo->get(), raw);
  if (!tree.is_ok()) return tree.status();
  if (!tree->conflicts.empty()) return Integration{"", std::move(tree->conflicts), 0};
  auto sig = signature_of(committer);
  if (!sig.is_ok()) return sig.status();
  auto written = write_commit(repo->get(), tree->tree, sig->get(), sig->get(), message, {ours->get(), theirs->get()});
  if (!written.is_ok()) return written.status();
  return Integration{oid_hex(*written), {}, 1};
}

namespace {

// The commits from `to` back along first parents to `from` (excluded),
// newest first: what a merge added to a branch, one entry per merge commit.
Result<std::vector<CommitInfo>> first_parent_chain(const std::string& repo_path, const std::string& from,
                                                   const std::string& to) {
  auto repo = open_repository(repo_path);
  if (!repo.is_ok()) return repo.status();
  std::vector<CommitInfo> chain;
  std::string current = to;
  while (current != from) {
    auto commit = lookup_commit(repo->get(), current);
    if (!commit.is_ok()) return commit.status();
    if (git_commit_parentcount(commit->get()) == 0 || chain.size() > 10000) {
      return Status::invalid_argument(from + " is not on the first-parent history of " + to);
    }
    chain.push_back({current, "", "", ""});
    current = oid_hex(*git_commit_parent_id(commit->get(), 0));
  }
  return chain;
}

}  // namespace

Result<Integration> revert_onto(const std::string& repo_path, const std::string& from, const std::string& to,
                                const std::string& onto, const std::string& trailer, const Committer& committer) {
  auto commits = first_parent_chain(repo_path, from, to);
  if (!commits.is_ok()) return commits.status();
  auto revert = [](git_index** out, git_repository* repo, git_commit* commit, git_commit* current) {
    git_merge_options options = GIT_MERGE_OPTIONS_INIT;
    unsigned mainline = git_commit_parentcount(commit) > 1 ? 1 : 0;  // a merge commit: undo what it brought in
    return git_revert_commit(out, repo, commit, current, mainline, &options);
  };
  auto revert_message = [&trailer](git_commit* commit, bool& keep_author) {
    keep_author = false;
    const char* summary = git_commit_summary(commit);
    return "Revert \"" + std::string(summary ? summary : "") + "\"\n\nThis reverts commit " +
           oid_hex(*git_commit_id(commit)) + ".\n\n" + trailer + "\n";
  };
  return replay(repo_path, *commits, onto, committer, revert, revert_message);
}

}  // namespace corral::git
