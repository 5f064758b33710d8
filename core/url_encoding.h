// Percent-encoding of URL query values (RFC 3986): one implementation for the
// Docker client, the API server and the CLI.
#pragma once

#include <string>

namespace corral {

// Keeps the unreserved characters (ALPHA DIGIT - . _ ~), encodes every other byte as %XX.
std::string percent_encode(const std::string& text);

// Decodes %XX (and '+' as a space, as in form-encoded queries); a '%' not
// followed by two hex digits is kept as it is.
std::string percent_decode(const std::string& text);

}  // namespace corral
