#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cicada/stats/request_stats.hpp"

namespace cicada::stats {

/// A pass/fail criterion on the statistics: `p95<250ms`, `p99.9<1s`,
/// `fail_ratio<0.01`, `rps>500`; `name=/item:p95<250ms` applies it to the
/// requests named /item (any method) instead of the total.
/// `dropped_iterations<1` is about open-model iterations: all classes', or
/// with `name=CLASS:` one user class's.
struct Threshold {
  enum class Metric {
    kPercentile,
    kAverage,
    kMin,
    kMax,
    kFailRatio,
    kFailures,
    kRequests,
    kRps,
    kDroppedIterations
  };
  enum class Comparison { kLess, kLessOrEqual, kGreater, kGreaterOrEqual };

  std::string text;                 ///< as written
  std::optional<std::string> name;  ///< the requests it is about; nullopt: the total
  Metric metric = Metric::kPercentile;
  double percentile = 0;  ///< for kPercentile: 0.95 for p95
  Comparison comparison = Comparison::kLess;
  double limit = 0;  ///< milliseconds for times; a ratio (0..1) for fail_ratio

  bool is_time() const;
};

/// Parses one threshold; throws std::invalid_argument naming what is wrong.
Threshold parse_threshold(std::string_view text);

/// How one threshold fared against one statistics row.
struct ThresholdResult {
  const Threshold* threshold = nullptr;
  std::string row;                 ///< "Aggregated", or "GET /item"
  std::optional<double> observed;  ///< nullopt: no such requests were made
  bool passed = false;
  /// "312.4 ms", "0.0213", "no requests named /item"
  std::string observed_text() const;
};

/// Checks each threshold against the statistics: the total, or every row of
/// its name (a name no request had fails). Percentiles are exact, from the
/// precise histogram (microsecond resolution; from a Locust worker, its rounded buckets).
std::vector<ThresholdResult> check_thresholds(const std::vector<Threshold>& thresholds,
                                              const RequestStats& stats);

/// True when every result passed.
bool all_passed(const std::vector<ThresholdResult>& results);

}  // namespace cicada::stats
