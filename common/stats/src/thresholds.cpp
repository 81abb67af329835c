#include "cicada/stats/thresholds.hpp"
#include "cicada/core/trim.hpp"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <map>
#include <sstream>
#include <stdexcept>

namespace cicada::stats {
namespace {

using Metric = Threshold::Metric;
using Comparison = Threshold::Comparison;

const std::map<std::string_view, Metric> kNamedMetrics = {
    {"avg", Metric::kAverage},
    {"min", Metric::kMin},
    {"max", Metric::kMax},
    {"median", Metric::kPercentile},
    {"fail_ratio", Metric::kFailRatio},
    {"failures", Metric::kFailures},
    {"requests", Metric::kRequests},
    {"rps", Metric::kRps},
    {"dropped_iterations", Metric::kDroppedIterations},
};

/// A number followed by an optional unit; `unit` receives the unit.
double number_with_unit(const std::string& text, std::string& unit, const std::string& what) {
  char* end = nullptr;
  errno = 0;
  const double value = std::strtod(text.c_str(), &end);
  if (end == text.c_str() || errno == ERANGE || !std::isfinite(value)) {
    throw std::invalid_argument(what + ": expected a number, got '" + text + "'");
  }
  unit = trim(end);
  return value;
}

std::string format_value(double value, int decimals) {
  std::ostringstream out;
  out.setf(std::ios::fixed);
  out.precision(decimals);
  out << value;
  return out.str();
}

bool holds(Comparison comparison, double observed, double limit) {
  switch (comparison) {
    case Comparison::kLess:
      return observed < limit;
    case Comparison::kLessOrEqual:
      return observed <= limit;
    case Comparison::kGreater:
      return observed > limit;
    case Comparison::kGreaterOrEqual:
      return observed >= limit;
  }
  return false;
}

/// The metric on one row, in the threshold's units.
double measure(const Threshold& threshold, const StatsEntry& entry, const StatsEntry& total) {
  switch (threshold.metric) {
    case Metric::kPercentile:
      // The precise histogram (a Locust worker's rounded buckets are merged into it too).
      return static_cast<double>(entry.precise_percentile_us(threshold.percentile)) / 1000.0;
    case Metric::kAverage:
      return entry.avg_response_time_ms();
    case Metric::kMin:
      return entry.min_response_time_ms();
    case Metric::kMax:
      return entry.max_response_time_ms();
    case Metric::kFailRatio:
      return entry.fail_ratio();
    case Metric::kFailures:
      return static_cast<double>(entry.num_failures());
    case Metric::kRequests:
      return static_cast<double>(entry.num_requests());
    case Metric::kRps:
      return entry.total_rps(total);
    case Metric::kDroppedIterations:
      break;  // not a property of a request row: see dropped_iterations()
  }
  return 0;
}

/// Open-model iterations dropped, of one class (nullopt if it never ran) or of all.
std::optional<double> dropped_iterations(const RequestStats& stats,
                                         const std::optional<std::string>& class_name) {
  const auto& iterations = stats.iterations();
  if (class_name) {
    const auto found = iterations.find(*class_name);
    if (found == iterations.end()) return std::nullopt;
    return static_cast<double>(found->second.dropped);
  }
  std::int64_t dropped = 0;
  for (const auto& [name, count] : iterations) dropped += count.dropped;
  return static_cast<double>(dropped);
}

}  // namespace

bool Threshold::is_time() const {
  return metric == Metric::kPercentile || metric == Metric::kAverage || metric == Metric::kMin ||
         metric == Metric::kMax;
}

Threshold parse_threshold(std::string_view text) {
  Threshold threshold;
  threshold.text = trim(text);
  std::string expression = threshold.text;
  const std::string quoted = "threshold '" + threshold.text + "'";
  if (expression.rfind("name=", 0) == 0) {
    // The expression has no ':', so the last one ends the name (which may hold some).
    const auto colon = expression.rfind(':');
    if (colon == std::string::npos || colon == 5) {
      throw std::invalid_argument(quoted +
                                  ": write name=NAME:EXPRESSION, e.g. name=/item:p95<250ms");
    }
    threshold.name = expression.substr(5, colon - 5);
    expression = trim(expression.substr(colon + 1));
  }
  const auto at = expression.find_first_of("<>");
  if (at == std::string::npos || at == 0) {
    throw std::invalid_argument(
        quoted + ": expected METRIC<VALUE or METRIC>VALUE, e.g. p95<250ms or rps>500");
  }
  const std::string metric(trim(expression.substr(0, at)));
  const bool or_equal = at + 1 < expression.size() && expression[at + 1] == '=';
  threshold.comparison = expression[at] == '<'
                             ? (or_equal ? Comparison::kLessOrEqual : Comparison::kLess)
                             : (or_equal ? Comparison::kGreaterOrEqual : Comparison::kGreater);
  const std::string value(trim(expression.substr(at + (or_equal ? 2 : 1))));

  if (auto named = kNamedMetrics.find(metric); named != kNamedMetrics.end()) {
    threshold.metric = named->second;
    if (metric == "median") threshold.percentile = 0.5;
  } else if (metric.size() > 1 && metric[0] == 'p') {
    std::string unit;
    const double percent = number_with_unit(metric.substr(1), unit, quoted);
    if (!unit.empty() || !(percent > 0) || !(percent <= 100)) {
      throw std::invalid_argument(quoted + ": a percentile is p1 to p100, e.g. p95 or p99.9");
    }
    threshold.metric = Metric::kPercentile;
    threshold.percentile = percent / 100.0;
  } else {
    throw std::invalid_argument(quoted + ": unknown metric '" + metric +
                                "' (pNN, avg, min, max, median, fail_ratio, failures, requests, "
                                "rps, dropped_iterations)");
  }

  std::string unit;
  double limit = number_with_unit(value, unit, quoted);
  if (threshold.is_time()) {
    if (unit == "s") {
      limit *= 1000;
    } else if (unit == "us") {
      limit /= 1000;
    } else if (!unit.empty() && unit != "ms") {
      throw std::invalid_argument(quoted + ": a time is in ms (the default), s or us, not '" +
                                  unit + "'");
    }
  } else if (threshold.metric == Metric::kFailRatio && unit == "%") {
    limit /= 100;
  } else if (!unit.empty()) {
    throw std::invalid_argument(quoted + ": " + metric + " takes a plain number, not '" + unit +
                                "'");
  }
  threshold.limit = limit;
  return threshold;
}

std::string ThresholdResult::observed_text() const {
  if (!observed && threshold->metric == Metric::kDroppedIterations)
    return "no iterations of " + threshold->name.value_or("");
  if (!observed) return "no requests named " + threshold->name.value_or("");
  if (threshold->is_time()) return format_value(*observed, 1) + " ms";
  if (threshold->metric == Metric::kFailRatio) return format_value(*observed, 4);
  if (threshold->metric == Metric::kRps) return format_value(*observed, 2);
  return format_value(*observed, 0);
}

std::vector<ThresholdResult> check_thresholds(const std::vector<Threshold>& thresholds,
                                              const RequestStats& stats) {
  std::vector<ThresholdResult> results;
  const StatsEntry& total = stats.total();
  for (const Threshold& threshold : thresholds) {
    if (threshold.metric == Metric::kDroppedIterations) {
      const auto observed = dropped_iterations(stats, threshold.name);
      const bool passed = observed && holds(threshold.comparison, *observed, threshold.limit);
      results.push_back(
          {&threshold, threshold.name ? "iterations of " + *threshold.name : "iterations",
           observed, passed});
      continue;
    }
    if (!threshold.name) {
      const double observed = measure(threshold, total, total);
      results.push_back({&threshold, "Aggregated", observed,
                         holds(threshold.comparison, observed, threshold.limit)});
      continue;
    }
    bool found = false;
    for (const StatsEntry* entry : stats.entries()) {
      if (entry->name() != *threshold.name) continue;
      found = true;
      const double observed = measure(threshold, *entry, total);
      results.push_back({&threshold, entry->method() + " " + entry->name(), observed,
                         holds(threshold.comparison, observed, threshold.limit)});
    }
    if (!found) results.push_back({&threshold, *threshold.name, std::nullopt, false});
  }
  return results;
}

bool all_passed(const std::vector<ThresholdResult>& results) {
  for (const auto& result : results) {
    if (!result.passed) return false;
  }
  return true;
}

}  // namespace cicada::stats
