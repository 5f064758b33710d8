// Credentials recognised by their own shape: the providers' documented token
// formats (a fixed prefix, then a known length of one character set), chat
// webhook URLs (Slack, Discord, Microsoft Teams), Telegram bot tokens, JWTs.
// A token whose random part is a placeholder or a documented example is not
// reported.
#pragma once

#include <string_view>
#include <vector>

#include "policy/secret_scan.h"

namespace corral::policy::secrets {

// Appends each token found in `line`. Linear in the line: every candidate is
// read for at most its format's longest length.
void find_tokens(std::string_view line, std::vector<SecretHit>& hits);

}  // namespace corral::policy::secrets
