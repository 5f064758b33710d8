// Credentials the way HTTP clients carry them: `Authorization: Basic` values
// (base64 of user:password), `Authorization: Bearer` tokens given literally,
// `curl -u user:password` / `--user`, and the `auth` field of a Docker
// registry config (base64 of user:password). References, placeholders and a
// user without a password are not credentials.
#pragma once

#include <string_view>
#include <vector>

#include "policy/secret_scan.h"

namespace corral::policy::secrets {

void find_http_credentials(std::string_view line, std::vector<SecretHit>& hits);

}  // namespace corral::policy::secrets
