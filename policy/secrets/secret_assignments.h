// Secrets given to names that say so: `DB_PASSWORD="p@ss:w0rd!x"`,
// `"client_secret": "…"`, `api_key: …`, `--password=…`, `--token …`,
// `<password>…</password>`, `<add key="Password" value="…"/>`.
//
// A name says secret when its last word (after qualifiers such as _PROD or
// _VALUE) is password, secret, token, passphrase, credentials, or a key
// qualified as secret (api/secret/access/private/signing… key). A plain
// `*_KEY` needs a random-looking value; names that only describe a secret
// (`password_hint`, `secret_name`, `token_url`, `csrf_token`, `public_key`)
// do not count. The value must be a literal (not a variable, call, reference
// or placeholder), without whitespace; punctuation is welcome.
#pragma once

#include <string_view>
#include <vector>

#include "policy/secret_scan.h"

namespace corral::policy::secrets {

void find_secret_assignments(std::string_view line, std::vector<SecretHit>& hits);

}  // namespace corral::policy::secrets
