#include "routing/grant.h"

#include <cctype>
#include <limits>

namespace corral::routing {
namespace {

template <typename T>
Status check_range(const char* field, T value, T low, T high, const char* range) {
  if (value < low || value > high) {
    return Status::invalid_argument(std::string(field) + " must be within " + range);
  }
  return Status::ok();
}

}  // namespace

Result<Grant> default_grant(const LimitRequest& request) {
  Grant grant;
  if (request.timeout_seconds) {
    CORRAL_RETURN_IF_ERROR(check_range<int64_t>("timeout", *request.timeout_seconds, 1, 86400, "1..86400 seconds"));
    grant.limits.timeout = std::chrono::seconds(*request.timeout_seconds);
  }
  if (request.memory_bytes) {
    CORRAL_RETURN_IF_ERROR(check_range<int64_t>("memory", *request.memory_bytes, int64_t{16} << 20,
                                                int64_t{64} << 30, "16m..64g"));
    grant.limits.memory_bytes = *request.memory_bytes;
  }
  if (request.pids) {
    CORRAL_RETURN_IF_ERROR(check_range<int64_t>("pids", *request.pids, 8, 32768, "8..32768"));
    grant.limits.pids = *request.pids;
  }
  if (request.cpus) {
    CORRAL_RETURN_IF_ERROR(check_range<double>("cpus", *request.cpus, 0.05, 64.0, "0.05..64"));
    grant.limits.cpus = *request.cpus;
  }
  return grant;
}

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
      case 'k': shift = 10; break;
      case 'm': shift = 20; break;
      case 'g': shift = 30; break;
      default: return Status::invalid_argument("'" + text + "' has an unknown unit (use k, m or g)");
    }
  }
  if (value > (std::numeric_limits<int64_t>::max() >> shift)) {
    return Status::invalid_argument("'" + text + "' is too large");
  }
  return value << shift;
}

}  // namespace corral::routing
