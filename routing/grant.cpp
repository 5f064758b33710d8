#include "routing/grant.h"


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

}  // namespace corral::routing
