// The web UI's sign-in: an API token exchanged for a session cookie.
//
// The cookie holds a fresh secret (only its SHA-256 is stored); a session is
// its token's caller for 12 hours, until it signs out, or until the token is
// revoked. A request that changes something must also send the session's
// CSRF token in X-CSRF-Token: a cross-site form or script has the cookie
// (SameSite=Strict aside) but never the CSRF token.
#pragma once

#include <string>

#include "api/service.h"
#include "policy/access.h"

namespace corral::api {

inline constexpr const char* kSessionCookie = "corral_session";

struct SignedIn {
  std::string secret;  // the cookie's value
  std::string csrf;
  std::string expires_at;
  int max_age_seconds = 0;
  policy::Caller caller;
};

struct SessionCaller {
  policy::Caller caller;
  std::string csrf;
  std::string expires_at;
};

class SessionDesk {
 public:
  explicit SessionDesk(Service& service) : service_(service) {}

  // unauthenticated when the token is not a live one (nothing is stored).
  Result<SignedIn> sign_in(const std::string& token);
  // The live session with this cookie secret, and its token's caller.
  Result<SessionCaller> find(const std::string& secret);
  Status sign_out(const std::string& secret);

 private:
  Service& service_;
};

// The value of cookie `name` in a Cookie header, or "".
std::string cookie_value(const std::string& header, const std::string& name);

// Equal strings, compared in time that does not depend on where they differ.
bool same_secret(const std::string& a, const std::string& b);

}  // namespace corral::api
