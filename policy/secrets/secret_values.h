// What a value found where a credential could be is: a placeholder, a
// reference to a secret kept elsewhere, a vendor's documented example, or
// random enough to be a real credential. Every secret rule asks these
// questions the same way, so "not a secret" means one thing.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace corral::policy::secrets {

// Shannon entropy of `text` in bits per byte (0 for empty text).
double shannon_entropy(std::string_view text);

// How many of lower case, upper case, digits and punctuation `text` uses.
int character_classes(std::string_view text);

// A stand-in for a value: `xxxx`, `****`, `<token>`, `your-token-here`,
// `changeme`, `REPLACE_ME`, `password`, `dummy`, `...`, one character
// repeated, a counting run (`123456789`, `abcdefgh`).
bool is_placeholder(std::string_view value);

// A value that names where the secret is kept instead of holding it:
// `${VAR}`, `$VAR`, `%VAR%`, `{{ x }}`, `${{ secrets.X }}`, `#{x}`,
// `<%= x %>`, `process.env.X`, `os.environ[...]`, `vault:` and `op://` paths,
// secret manager ARNs and resource names, `!vault`, `env:`/`file:` references.
bool is_reference(std::string_view value);

// A credential its vendor publishes as an example (AWS's `...EXAMPLE` keys,
// the Azure storage emulator's account key, jwt.io's sample token).
bool is_documented_example(std::string_view value);

// Either of the three above.
bool is_not_a_secret(std::string_view value);

// `text` decoded from standard or URL-safe base64 (padding optional), or
// nothing when it is not base64.
std::optional<std::string> decode_base64(std::string_view text);

std::string to_lower(std::string_view text);

// The length of the run of characters in `in_set` at `at`, read no further
// than `limit`. Every rule reads its candidates this way, bounded, so a
// hostile line costs linear time.
size_t bounded_run(std::string_view text, size_t at, bool (*in_set)(char), size_t limit);

bool is_ascii_digit(char c);

}  // namespace corral::policy::secrets
