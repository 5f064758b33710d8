#include "alerts/secret_reference.h"

#include <cstdlib>
#include <fstream>
#include <sstream>

namespace corral::alerts {

bool is_reference(const std::string& text) { return text.starts_with("env:") || text.starts_with("file:"); }

Status check_reference(const std::string& text, const std::string& what) {
  if (text.starts_with("env:")) {
    std::string name = text.substr(4);
    bool plain =
        !name.empty() &&
        name.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_") == std::string::npos;
    if (plain) return Status::ok();
    return Status::invalid_argument(what + ": 'env:' must name an environment variable (letters, digits, _)");
  }
  if (text.starts_with("file:/")) return Status::ok();
  return Status::invalid_argument(what +
                                  " must be a reference, env:NAME or file:/ABSOLUTE/PATH, so that the secret "
                                  "itself is never stored or shown");
}

Result<std::string> resolve_reference(const std::string& reference) {
  if (reference.starts_with("env:")) {
    const char* value = std::getenv(reference.substr(4).c_str());
    if (value == nullptr || *value == '\0') return Status::not_found(reference + " is not set in corral's environment");
    return std::string(value);
  }
  if (reference.starts_with("file:")) {
    std::ifstream file(reference.substr(5), std::ios::binary);
    if (!file) return Status::io(reference + " cannot be read");
    std::ostringstream content;
    content << file.rdbuf();
    std::string secret = content.str();
    while (!secret.empty() && (secret.back() == '\n' || secret.back() == '\r')) secret.pop_back();
    if (secret.empty()) return Status::not_found(reference + " is empty");
    return secret;
  }
  return Status::invalid_argument("not a reference: give env:NAME or file:/PATH");
}

}  // namespace corral::alerts
