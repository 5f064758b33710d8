#include "git/branch_commit.h"

#include <chrono>

namespace corral::git {
namespace {

Result<SignaturePtr> signature(const CommitDetails& details, TimePoint when) {
  auto seconds = std::chrono::duration_cast<std::chrono::seconds>(when.time_since_epoch()).count();
  git_signature* raw = nullptr;
  int rc = git_signature_new(&raw, details.author_name.c_str(), details.author_email.c_str(),
                             static_cast<git_time_t>(seconds), 0);
  SignaturePtr sig(raw);
  CORRAL_RETURN_IF_ERROR(git_status(rc, "making commit signature"));
  return sig;
}

}  // namespace

Result<Snapshot> commit_on_branch(git_repository* repo, git_commit* base, const git_oid& tree_oid,
                                  const std::string& branch, const CommitDetails& details, TimePoint when) {
  git_oid base_oid = *git_commit_id(base);
  if (git_oid_equal(&tree_oid, git_commit_tree_id(base))) return Snapshot{oid_hex(base_oid), false};

  git_tree* tree_raw = nullptr;
  CORRAL_RETURN_IF_ERROR(git_status(git_tree_lookup(&tree_raw, repo, &tree_oid), "reading tree"));
  TreePtr tree(tree_raw);
  auto sig = signature(details, when);
  if (!sig.is_ok()) return sig.status();
  std::string message = commit_message(details);
  const git_commit* parents[] = {base};
  git_oid commit_oid;
  int rc = git_commit_create(&commit_oid, repo, nullptr, sig->get(), sig->get(), "UTF-8", message.c_str(), tree.get(),
                             1, parents);
  CORRAL_RETURN_IF_ERROR(git_status(rc, "writing commit"));

  // Compare-and-swap: the branch moves only from the base we started from.
  git_reference* ref_raw = nullptr;
  rc = git_reference_create_matching(&ref_raw, repo, ("refs/heads/" + branch).c_str(), &commit_oid, /*force=*/1,
                                     &base_oid, "corral: collect run");
  ReferencePtr ref(ref_raw);
  CORRAL_RETURN_IF_ERROR(git_status(rc, "moving branch " + branch));
  return Snapshot{oid_hex(commit_oid), true};
}

}  // namespace corral::git
