#include "git/upstream.h"

#include <cstdlib>

#include "git/ancestry.h"
#include "git/git_handles.h"
#include "git/shared_ref.h"

namespace corral::git {
namespace {

bool is_local_path(const std::string& url) { return url.find("://") == std::string::npos && !url.empty(); }

// What libgit2's callbacks see during one fetch or push.
struct Exchange {
  const Upstream* upstream;
  std::string rejection;  // a push: the remote's reason for refusing the ref, if it did
};

// Hands the token named by the credentials reference to libgit2 for https.
int send_credentials(git_credential** out, const char*, const char*, unsigned int allowed, void* payload) {
  const Upstream& upstream = *static_cast<Exchange*>(payload)->upstream;
  if (upstream.credentials.rfind("env:", 0) != 0 || !(allowed & GIT_CREDENTIAL_USERPASS_PLAINTEXT)) {
    return GIT_PASSTHROUGH;
  }
  const char* token = std::getenv(upstream.credentials.substr(4).c_str());
  if (!token) return GIT_PASSTHROUGH;
  return git_credential_userpass_plaintext_new(out, "x-access-token", token);
}

int on_push_update(const char*, const char* status, void* payload) {
  if (status) static_cast<Exchange*>(payload)->rejection = status;
  return 0;
}

git_remote_callbacks callbacks_for(Exchange& exchange) {
  git_remote_callbacks callbacks = GIT_REMOTE_CALLBACKS_INIT;
  callbacks.credentials = send_credentials;
  callbacks.push_update_reference = on_push_update;
  callbacks.payload = &exchange;
  return callbacks;
}

Result<RemotePtr> connect(git_repository* repo, const Upstream& upstream) {
  CORRAL_RETURN_IF_ERROR(check_local_remote(upstream.url, "the upstream"));
  return anonymous_remote(repo, upstream.url, upstream.url);
}

// Local upstream: the upstream fetches the commit from the mirror, then its
// ref moves by compare-and-swap (stronger than a push, which checks
// fast-forward against a tip read moments earlier).
Status publish_locally(const std::string& mirror_path, const Upstream& upstream, const std::string& branch,
                       const std::string& expected, const std::string& commit) {
  std::string ref = "refs/heads/" + branch;
  auto target = open_repository(upstream.url);
  if (!target.is_ok()) return target.status();
  if (!git_repository_is_bare(target->get())) {
    git_reference* head = nullptr;
    bool checked_out = git_repository_head(&head, target->get()) == 0 && ref == git_reference_name(head);
    git_reference_free(head);
    if (checked_out) {
      return Status::failed_precondition(branch + " is checked out in " + upstream.url +
                                         "; corral will not move a branch under a working tree (use a bare "
                                         "repository or a remote as the upstream)");
    }
  }
  auto remote = connect(target->get(), Upstream{mirror_path, ""});
  if (!remote.is_ok()) return remote.status();
  std::string spec = commit;  // objects only: no ref of the upstream is written by the fetch
  char* specs[] = {spec.data()};
  git_strarray refspecs = {specs, 1};
  git_fetch_options options = GIT_FETCH_OPTIONS_INIT;
  options.update_fetchhead = 0;
  options.download_tags = GIT_REMOTE_DOWNLOAD_TAGS_NONE;
  CORRAL_RETURN_IF_ERROR(git_status(git_remote_fetch(remote->get(), &refspecs, &options, nullptr),
                                    "copying " + commit + " into " + upstream.url));
  return advance_ref(upstream.url, ref, expected, commit, "corral: merge");
}

Status push_to_remote(const std::string& mirror_path, const Upstream& upstream, const std::string& branch,
                      const std::string& expected, const std::string& commit) {
  auto repo = open_repository(mirror_path);
  if (!repo.is_ok()) return repo.status();
  auto remote = connect(repo->get(), upstream);
  if (!remote.is_ok()) return remote.status();
  // The commit is pushed from a temporary ref: a refspec names refs, not ids.
  std::string source_ref = "refs/corral-push/" + branch;
  auto oid = parse_oid(commit);
  if (!oid.is_ok()) return oid.status();
  git_reference* raw_ref = nullptr;
  CORRAL_RETURN_IF_ERROR(git_status(
      git_reference_create(&raw_ref, repo->get(), source_ref.c_str(), &*oid, 1, "corral: push"), "staging a push"));
  ReferencePtr staged(raw_ref);
  std::string spec = source_ref + ":refs/heads/" + branch;  // no '+': never a forced update
  char* specs[] = {spec.data()};
  git_strarray refspecs = {specs, 1};
  git_push_options options = GIT_PUSH_OPTIONS_INIT;
  Exchange outcome{&upstream, ""};
  options.callbacks = callbacks_for(outcome);
  int rc = git_remote_push(remote->get(), &refspecs, &options);
  git_reference_delete(staged.get());
  if (rc == GIT_ENONFASTFORWARD || !outcome.rejection.empty()) {
    return Status::failed_precondition("the upstream's " + branch + " moved (it was " +
                                       (expected.empty() ? "absent" : expected) +
                                       "): " + (outcome.rejection.empty() ? "not a fast-forward" : outcome.rejection));
  }
  return git_status(rc, "pushing " + branch + " to " + upstream.url);
}

}  // namespace

Result<std::string> upstream_default_branch(const std::string& mirror_path, const Upstream& upstream) {
  auto repo = open_repository(mirror_path);
  if (!repo.is_ok()) return repo.status();
  auto remote = connect(repo->get(), upstream);
  if (!remote.is_ok()) return remote.status();
  Exchange exchange{&upstream, ""};
  git_remote_callbacks callbacks = callbacks_for(exchange);
  int rc = git_remote_connect(remote->get(), GIT_DIRECTION_FETCH, &callbacks, nullptr, nullptr);
  CORRAL_RETURN_IF_ERROR(git_status(rc, "connecting to " + upstream.url));
  git_buf name = GIT_BUF_INIT;
  rc = git_remote_default_branch(&name, remote->get());
  std::string branch = rc == 0 && name.ptr ? std::string(name.ptr, name.size) : std::string();
  git_buf_dispose(&name);
  git_remote_disconnect(remote->get());
  if (rc == GIT_ENOTFOUND) return Status::not_found(upstream.url + " has no default branch");
  CORRAL_RETURN_IF_ERROR(git_status(rc, "reading the default branch of " + upstream.url));
  constexpr std::string_view kHeads = "refs/heads/";
  return branch.rfind(kHeads, 0) == 0 ? branch.substr(kHeads.size()) : branch;
}

Result<std::string> fetch_upstream_branch(const std::string& mirror_path, const Upstream& upstream,
                                          const std::string& branch, const std::string& local_ref) {
  auto repo = open_repository(mirror_path);
  if (!repo.is_ok()) return repo.status();
  auto remote = connect(repo->get(), upstream);
  if (!remote.is_ok()) return remote.status();
  std::string spec = "+refs/heads/" + branch + ":" + local_ref;
  char* specs[] = {spec.data()};
  git_strarray refspecs = {specs, 1};
  git_fetch_options options = GIT_FETCH_OPTIONS_INIT;
  options.update_fetchhead = 0;
  options.download_tags = GIT_REMOTE_DOWNLOAD_TAGS_NONE;
  options.prune = GIT_FETCH_NO_PRUNE;
  Exchange exchange{&upstream, ""};
  options.callbacks = callbacks_for(exchange);
  // A branch the upstream lacks is not an error of the fetch: the ref just
  // stays absent, so drop any stale record first.
  git_reference* stale = nullptr;
  if (git_reference_lookup(&stale, repo->get(), local_ref.c_str()) == 0) git_reference_delete(stale);
  git_reference_free(stale);
  int rc = git_remote_fetch(remote->get(), &refspecs, &options, "corral: fetch upstream");
  CORRAL_RETURN_IF_ERROR(git_status(rc, "fetching " + branch + " from " + upstream.url));
  return read_ref(mirror_path, local_ref);
}

Status publish_to_upstream(const std::string& mirror_path, const Upstream& upstream, const std::string& branch,
                           const std::string& expected, const std::string& commit) {
  if (is_local_path(upstream.url)) return publish_locally(mirror_path, upstream, branch, expected, commit);
  return push_to_remote(mirror_path, upstream, branch, expected, commit);
}

Status check_credentials_reference(const std::string& credentials) {
  if (credentials.empty()) return Status::ok();
  bool named = credentials.rfind("env:", 0) == 0 && credentials.size() > 4 &&
               credentials.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_", 4) ==
                   std::string::npos;
  if (named) return Status::ok();
  return Status::invalid_argument(
      "credentials must be \"env:NAME\" (a variable in corral's environment holding a "
      "token), not '" +
      credentials + "'");
}

}  // namespace corral::git
