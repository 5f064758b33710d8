// Web UI sessions: made by signing in with an API token, held by the browser
// as a cookie. Stored as the SHA-256 of the cookie's secret (the secret itself
// exists only in the browser), with the hash of the token they were made with
// (revoking the token ends them), a CSRF token and an expiry.
#pragma once

#include <optional>
#include <string>

#include "core/clock.h"
#include "store/database.h"

namespace corral::store {

struct SessionRecord {
  std::string token_hash;  // the API token's SHA-256: the session is that token's caller
  std::string csrf;        // sent back in X-CSRF-Token by every state-changing request
  std::string expires_at;  // RFC 3339
};

class Sessions {
 public:
  Sessions(Database& db, const Clock& clock) : db_(db), clock_(clock) {}

  Status insert(const std::string& hash, const SessionRecord& session);
  // The session with this hash, unless it ended or expired.
  Result<std::optional<SessionRecord>> find_live(const std::string& hash);
  // Ends it (signing out); ok if it had ended already.
  Status end(const std::string& hash);
  // Forgets sessions that ended or expired more than a day ago.
  Status prune();

 private:
  Database& db_;
  const Clock& clock_;
};

}  // namespace corral::store
