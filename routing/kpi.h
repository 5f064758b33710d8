// A track record in numbers: decayed success and rollback rates with
// confidence bounds, counts, trend and last change. Pure.
//
// Each outcome weighs 2^(-age / half_life), so old history fades. Rates are
// Wilson score bounds (one-sided 95%) on the decayed counts: three lucky
// merges earn a low bound, three hundred a high one.
//   success  merged (and not rolled back) over merged + rolled back + rejected
//            + checks failed + refused + run failed; cancelled counts for neither
//   rollback rolled back over everything ever merged
#pragma once

#include <chrono>
#include <map>
#include <string>
#include <vector>

#include "routing/outcome.h"

namespace corral::routing {

// How many of each outcome, undecayed, and when the last one came.
struct OutcomeCounts {
  int merged = 0, rolled_back = 0, rejected = 0, checks_failed = 0, refused = 0, run_failed = 0, cancelled = 0;
  TimePoint last_outcome{};
};

struct Kpis {
  double samples = 0;  // decayed count of decided outcomes
  double success_rate = 0;
  double success_lower = 0;  // Wilson lower bound
  double rollback_rate = 0;
  double rollback_upper = 0;  // Wilson upper bound (1 with no merges: nothing proven)
  double trend = 0;           // success rate over the last half-life minus the decayed rate
  OutcomeCounts counts;
};

// Decayed sums that take outcomes one by one in time order (a rollback
// within `rollback_window` of its merge moves that merge from success to
// failure; a later revert is a new change, not a failed merge); kpis(now)
// reads them at any later time. Memory: one entry per merged task.
class TrackRecord {
 public:
  explicit TrackRecord(std::chrono::seconds half_life,
                       std::chrono::seconds rollback_window = std::chrono::hours(24 * 30))
      : half_life_(half_life), rollback_window_(rollback_window) {}

  // False if the outcome does not count: a rollback of a merge this record
  // never saw, or outside the window.
  bool add(const Outcome& outcome);
  Kpis kpis(TimePoint now) const;

 private:
  struct Sums {
    double success = 0, failure = 0, merged = 0, rolled_back = 0;
  };
  static constexpr double kRebaseExponent = 200;  // 2^400 (the recent sums) stays far from overflow
  double weight(TimePoint at);                    // 2^((at - origin) / half_life), growing
  void rebase(double factor);
  static Kpis read(const Sums& sums, double scale);

  struct Merged {
    double weight = 0, recent_weight = 0;
    TimePoint at;
  };
  std::chrono::seconds half_life_;
  std::chrono::seconds rollback_window_;
  bool has_origin_ = false;
  TimePoint origin_{};
  Sums sums_;
  Sums recent_;                           // with half the half-life, for the trend
  std::map<std::string, Merged> merged_;  // by task
  OutcomeCounts counts_;
};

// Wilson score interval bound for `successes` of `trials` (z = 1.645).
double wilson_lower(double successes, double trials);
double wilson_upper(double successes, double trials);

}  // namespace corral::routing
