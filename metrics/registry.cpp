#include "metrics/registry.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace corral::metrics {
namespace {

std::string escaped(const std::string& value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    if (c == '\\')
      out += "\\\\";
    else if (c == '"')
      out += "\\\"";
    else if (c == '\n')
      out += "\\n";
    else
      out += c;
  }
  return out;
}

std::string number(double value) {
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.17g", value);
  return buffer;
}

// {a="x",b="y"} with `extra` (le="0.5") appended; "" when there are none.
std::string label_text(const std::vector<std::string>& names, const LabelValues& values,
                       const std::string& extra = "") {
  std::string out;
  for (size_t i = 0; i < names.size(); ++i)
    out += (out.empty() ? "" : ",") + names[i] + "=\"" + escaped(values[i]) + "\"";
  if (!extra.empty()) out += (out.empty() ? "" : ",") + extra;
  return out.empty() ? "" : "{" + out + "}";
}

}  // namespace

void Registry::counter(const std::string& name, const std::string& help, std::vector<std::string> labels) {
  MutexLock lock(mutex_);
  families_[name] = {help, "counter", std::move(labels), {}, {}};
}

void Registry::gauge(const std::string& name, const std::string& help, std::vector<std::string> labels) {
  MutexLock lock(mutex_);
  families_[name] = {help, "gauge", std::move(labels), {}, {}};
}

void Registry::histogram(const std::string& name, const std::string& help, std::vector<std::string> labels,
                         std::vector<double> buckets) {
  std::sort(buckets.begin(), buckets.end());
  MutexLock lock(mutex_);
  families_[name] = {help, "histogram", std::move(labels), std::move(buckets), {}};
}

Registry::Series& Registry::series_of(Family& family, const LabelValues& values) {
  auto found = family.series.find(values);
  if (found != family.series.end()) return found->second;
  LabelValues key = values;
  if (family.series.size() >= kMaxSeries) key.assign(values.size(), "other");
  Series& made = family.series[key];
  if (made.counts.empty()) made.counts.assign(family.buckets.size(), 0);
  return made;
}

void Registry::add(const std::string& name, const LabelValues& values, double by) {
  MutexLock lock(mutex_);
  auto family = families_.find(name);
  if (family == families_.end() || family->second.labels.size() != values.size()) return;
  series_of(family->second, values).value += by;
}

void Registry::observe(const std::string& name, const LabelValues& values, double value) {
  MutexLock lock(mutex_);
  auto family = families_.find(name);
  if (family == families_.end() || family->second.labels.size() != values.size()) return;
  Series& series = series_of(family->second, values);
  series.value += value;
  ++series.count;
  const auto& buckets = family->second.buckets;
  auto bucket = std::lower_bound(buckets.begin(), buckets.end(), value);
  if (bucket != buckets.end()) ++series.counts[static_cast<size_t>(bucket - buckets.begin())];
}

void Registry::set_all(const std::string& name, const std::vector<std::pair<LabelValues, double>>& series) {
  MutexLock lock(mutex_);
  auto family = families_.find(name);
  if (family == families_.end()) return;
  family->second.series.clear();
  for (const auto& [values, value] : series)
    if (values.size() == family->second.labels.size()) series_of(family->second, values).value = value;
}

std::string Registry::exposition() const {
  MutexLock lock(mutex_);
  std::string out;
  for (const auto& [name, family] : families_) {
    out += "# HELP " + name + " " + family.help + "\n# TYPE " + name + " " + family.type + "\n";
    for (const auto& [values, series] : family.series) {
      if (family.type != "histogram") {
        out += name + label_text(family.labels, values) + " " + number(series.value) + "\n";
        continue;
      }
      uint64_t cumulative = 0;
      for (size_t i = 0; i < family.buckets.size(); ++i) {
        cumulative += series.counts[i];
        out += name + "_bucket" + label_text(family.labels, values, "le=\"" + number(family.buckets[i]) + "\"") + " " +
               std::to_string(cumulative) + "\n";
      }
      out += name + "_bucket" + label_text(family.labels, values, "le=\"+Inf\"") + " " + std::to_string(series.count) +
             "\n";
      out += name + "_sum" + label_text(family.labels, values) + " " + number(series.value) + "\n";
      out += name + "_count" + label_text(family.labels, values) + " " + std::to_string(series.count) + "\n";
    }
  }
  return out;
}

}  // namespace corral::metrics
