#include "core/byte_size.h"

#include <cctype>
#include <limits>

namespace corral {

Result<int64_t> parse_byte_size(const std::string& text) {
  size_t digits = 0;
  while (digits < text.size() && std::isdigit(static_cast<unsigned char>(text[digits]))) ++digits;
  std::string suffix = text.substr(digits);
  if (digits == 0 || digits > 15 || suffix.size() > 1) {
    return Status::invalid_argument("'" + text + "' is not a size (examples: 512m, 2g, 1048576)");
  }
  int64_t value = std::stoll(text.substr(0, digits));
  int shift = 0;
  if (!suffix.empty()) {
    switch (std::tolower(static_cast<unsigned char>(suffix[0]))) {
      case 'k':
        shift = 10;
        break;
      case 'm':
        shift = 20;
        break;
      case 'g':
        shift = 30;
        break;
      default:
        return Status::invalid_argument("'" + text + "' has an unknown unit (use k, m or g)");
    }
  }
  if (value > (std::numeric_limits<int64_t>::max() >> shift)) {
    return Status::invalid_argument("'" + text + "' is too large");
  }
  return value << shift;
}

}  // namespace corral
