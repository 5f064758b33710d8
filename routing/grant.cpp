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
    CORRAL_RETURN_IF_ERROR(
        check_range<int64_t>("memory", *request.memory_bytes, int64_t{16} << 20, int64_t{64} << 30, "16m..64g"));
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

SandboxLimits tier_ceiling(Tier tier) {
  constexpr int64_t kGiB = int64_t{1} << 30;
  switch (tier) {
    case Tier::kObserve:
      return {std::chrono::minutes(10), kGiB, 256, 1.0};
    case Tier::kSupervised:
      return {std::chrono::minutes(20), 2 * kGiB, 512, 2.0};
    case Tier::kTrusted:
      return {std::chrono::minutes(30), 4 * kGiB, 1024, 2.0};
    case Tier::kAutonomous:
      return {std::chrono::minutes(60), 4 * kGiB, 1024, 4.0};
  }
  return {std::chrono::minutes(10), kGiB, 256, 1.0};
}

Result<Grant> grant_for_tier(Tier tier, const LimitRequest& request, std::string* clamped) {
  auto grant = default_grant(request);
  if (!grant.is_ok()) return grant.status();
  SandboxLimits ceiling = tier_ceiling(tier);
  SandboxLimits& limits = grant->limits;
  std::string lowered;
  auto hold = [&](auto& value, auto most, const char* name) {
    if (value > most) {
      value = most;
      lowered += (lowered.empty() ? "" : ", ") + std::string(name);
    }
  };
  hold(limits.timeout, ceiling.timeout, "timeout");
  hold(limits.memory_bytes, ceiling.memory_bytes, "memory");
  hold(limits.pids, ceiling.pids, "pids");
  hold(limits.cpus, ceiling.cpus, "cpus");
  grant->network = tier != Tier::kObserve;
  if (clamped) *clamped = lowered;
  return grant;
}

}  // namespace corral::routing
