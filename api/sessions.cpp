#include "api/sessions.h"

#include <chrono>

#include "core/hash.h"
#include "core/ids.h"

namespace corral::api {
namespace {

constexpr auto kSessionLength = std::chrono::hours(12);

}  // namespace

Result<SignedIn> SessionDesk::sign_in(const std::string& token) {
  if (token.empty()) return Status::invalid_argument("field 'token': an API token is required to sign in");
  CORRAL_ASSIGN_OR_RETURN(policy::Caller caller, service_.authenticate(token));
  SignedIn signed_in{new_secret("session-"), new_secret("csrf-"), "",
                     static_cast<int>(std::chrono::duration_cast<std::chrono::seconds>(kSessionLength).count()),
                     caller};
  CORRAL_RETURN_IF_ERROR(service_.store().with([&](store::Transaction& tx) -> Status {
    CORRAL_RETURN_IF_ERROR(tx.sessions.prune());
    signed_in.expires_at = format_rfc3339(service_.store().clock().now() + kSessionLength);
    return tx.sessions.insert(sha256_hex(signed_in.secret), {sha256_hex(token), signed_in.csrf, signed_in.expires_at});
  }));
  return signed_in;
}

Result<SessionCaller> SessionDesk::find(const std::string& secret) {
  return service_.store().with([&](store::Transaction& tx) -> Result<SessionCaller> {
    CORRAL_ASSIGN_OR_RETURN(auto session, tx.sessions.find_live(sha256_hex(secret)));
    if (!session) return Status::unauthenticated("the session ended or expired: sign in again");
    CORRAL_ASSIGN_OR_RETURN(auto token, tx.tokens.find_live(session->token_hash));
    if (!token) return Status::unauthenticated("the token this session was made with was revoked: sign in again");
    return SessionCaller{{token->name, token->role, token->repo_scope}, session->csrf, session->expires_at};
  });
}

Status SessionDesk::sign_out(const std::string& secret) {
  return service_.store().with([&](store::Transaction& tx) { return tx.sessions.end(sha256_hex(secret)); });
}

std::string cookie_value(const std::string& header, const std::string& name) {
  size_t at = 0;
  while (at < header.size()) {
    size_t end = header.find(';', at);
    if (end == std::string::npos) end = header.size();
    size_t start = header.find_first_not_of(' ', at);
    if (start < end && header.compare(start, name.size(), name) == 0 && start + name.size() < end &&
        header[start + name.size()] == '=') {
      return header.substr(start + name.size() + 1, end - start - name.size() - 1);
    }
    at = end + 1;
  }
  return "";
}

bool same_secret(const std::string& a, const std::string& b) {
  if (a.size() != b.size()) return false;
  unsigned char difference = 0;
  for (size_t i = 0; i < a.size(); ++i) difference |= static_cast<unsigned char>(a[i] ^ b[i]);
  return difference == 0;
}

}  // namespace corral::api
