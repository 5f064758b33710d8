// Counters and histograms with labels, kept in memory and written in the
// Prometheus text format (0.0.4). Families are declared once with their
// help, type and label names; each family holds at most kMaxSeries label
// sets (beyond that, new ones are counted under the value "other"), so no
// input can grow it without bound. Thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/thread_annotations.h"

namespace corral::metrics {

using LabelValues = std::vector<std::string>;

class Registry {
 public:
  static constexpr size_t kMaxSeries = 1000;

  void counter(const std::string& name, const std::string& help, std::vector<std::string> labels);
  void histogram(const std::string& name, const std::string& help, std::vector<std::string> labels,
                 std::vector<double> buckets);
  void gauge(const std::string& name, const std::string& help, std::vector<std::string> labels);

  // The family must have been declared, with as many values as label names.
  void add(const std::string& name, const LabelValues& values, double by = 1);
  void observe(const std::string& name, const LabelValues& values, double value);
  // Gauges: the whole family replaced (what a scrape reads from the store).
  void set_all(const std::string& name, const std::vector<std::pair<LabelValues, double>>& series);

  std::string exposition() const;

 private:
  struct Series {
    double value = 0;              // counter, gauge; histogram: the sum
    uint64_t count = 0;            // histogram
    std::vector<uint64_t> counts;  // histogram, per bucket (not cumulative)
  };
  struct Family {
    std::string help, type;
    std::vector<std::string> labels;
    std::vector<double> buckets;
    std::map<LabelValues, Series> series;
  };
  static Series& series_of(Family& family, const LabelValues& values);

  mutable Mutex mutex_;
  std::map<std::string, Family> families_ CORRAL_GUARDED_BY(mutex_);
};

}  // namespace corral::metrics
