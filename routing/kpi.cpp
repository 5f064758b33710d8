#include "routing/kpi.h"

#include <cmath>

namespace corral::routing {
namespace {

constexpr double kZ = 1.645;  // one-sided 95%

double seconds_between(TimePoint from, TimePoint to) { return std::chrono::duration<double>(to - from).count(); }

void count(OutcomeCounts& counts, OutcomeKind kind) {
  switch (kind) {
    case OutcomeKind::kMerged:
      ++counts.merged;
      break;
    case OutcomeKind::kRolledBack:
      ++counts.rolled_back;
      break;
    case OutcomeKind::kRejected:
      ++counts.rejected;
      break;
    case OutcomeKind::kChecksFailed:
      ++counts.checks_failed;
      break;
    case OutcomeKind::kRefused:
      ++counts.refused;
      break;
    case OutcomeKind::kRunFailed:
      ++counts.run_failed;
      break;
    case OutcomeKind::kCancelled:
      ++counts.cancelled;
      break;
    case OutcomeKind::kForcePushRefused:
      break;
  }
}

}  // namespace

double wilson_lower(double successes, double trials) {
  if (trials <= 0) return 0;
  double p = successes / trials, z2 = kZ * kZ;
  double centre = p + z2 / (2 * trials);
  double margin = kZ * std::sqrt(p * (1 - p) / trials + z2 / (4 * trials * trials));
  return std::max(0.0, (centre - margin) / (1 + z2 / trials));
}

double wilson_upper(double successes, double trials) {
  if (trials <= 0) return 1;
  double p = successes / trials, z2 = kZ * kZ;
  double centre = p + z2 / (2 * trials);
  double margin = kZ * std::sqrt(p * (1 - p) / trials + z2 / (4 * trials * trials));
  return std::min(1.0, (centre + margin) / (1 + z2 / trials));
}

double TrackRecord::weight(TimePoint at) {
  if (!has_origin_) {
    has_origin_ = true;
    origin_ = at;
  }
  double exponent = seconds_between(origin_, at) / static_cast<double>(half_life_.count());
  if (exponent > kRebaseExponent) {
    // Keep the growing weights finite over long histories: move the origin to now.
    rebase(std::exp2(exponent));
    origin_ = at;
    exponent = 0;
  }
  return std::exp2(exponent);
}

void TrackRecord::rebase(double factor) {
  auto scale = [](Sums& sums, double by) {
    sums.success /= by;
    sums.failure /= by;
    sums.merged /= by;
    sums.rolled_back /= by;
  };
  scale(sums_, factor);
  scale(recent_, factor * factor);
  for (auto& [task, merged] : merged_) {
    merged.weight /= factor;
    merged.recent_weight /= factor * factor;
  }
}

bool TrackRecord::add(const Outcome& outcome) {
  if (outcome.kind == OutcomeKind::kRolledBack) {
    auto merged = merged_.find(outcome.task);
    if (merged == merged_.end() || outcome.at - merged->second.at > rollback_window_) return false;
  }
  count(counts_, outcome.kind);
  if (outcome.kind == OutcomeKind::kForcePushRefused) return true;
  counts_.last_outcome = std::max(counts_.last_outcome, outcome.at);
  if (outcome.kind == OutcomeKind::kCancelled) return true;
  double w = weight(outcome.at);
  double w_recent = w * w;  // half the half-life: the same exponent, doubled
  if (outcome.kind == OutcomeKind::kRolledBack) {
    auto merged = merged_.find(outcome.task);
    double mw = merged->second.weight, mw_recent = merged->second.recent_weight;
    merged_.erase(merged);
    sums_.success -= mw;
    sums_.failure += mw;
    sums_.rolled_back += mw;
    recent_.success -= mw_recent;
    recent_.failure += mw_recent;
    recent_.rolled_back += mw_recent;
    return true;
  }
  if (outcome.kind == OutcomeKind::kMerged) {
    sums_.success += w;
    sums_.merged += w;
    recent_.success += w_recent;
    recent_.merged += w_recent;
    if (!outcome.task.empty()) merged_[outcome.task] = {w, w_recent, outcome.at};
    return true;
  }
  sums_.failure += w;
  recent_.failure += w_recent;
  return true;
}

Kpis TrackRecord::read(const Sums& sums, double scale) {
  Kpis kpis;
  double success = sums.success / scale, trials = (sums.success + sums.failure) / scale;
  double merged = sums.merged / scale, rolled_back = sums.rolled_back / scale;
  kpis.samples = trials;
  kpis.success_rate = trials > 0 ? success / trials : 0;
  kpis.success_lower = wilson_lower(success, trials);
  kpis.rollback_rate = merged > 0 ? rolled_back / merged : 0;
  kpis.rollback_upper = wilson_upper(rolled_back, merged);
  return kpis;
}

Kpis TrackRecord::kpis(TimePoint now) const {
  if (!has_origin_) {
    Kpis none;
    none.counts = counts_;
    return none;
  }
  double exponent = seconds_between(origin_, now) / static_cast<double>(half_life_.count());
  Kpis out = read(sums_, std::exp2(exponent));
  Kpis recent = read(recent_, std::exp2(2 * exponent));
  out.trend = recent.samples > 0 ? recent.success_rate - out.success_rate : 0;
  out.counts = counts_;
  return out;
}

}  // namespace corral::routing
