#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "cicada/runner/runner.hpp"
#include "cicada/stats/request_stats.hpp"

// Locust's CSV files (--csv PREFIX), byte for byte: same headers, row order,
// minimal quoting, CRLF line ends and Python number formatting.

namespace cicada::report {

/// Locust's PERCENTILES_TO_REPORT: the 50%..100% columns.
const std::vector<double>& percentiles_to_report();

/// PREFIX_stats.csv: header, one row per entry sorted by (name, method), then Aggregated.
std::string stats_csv(const stats::RequestStats& stats);

/// PREFIX_failures.csv (Locust 2.46 columns, First/Last Seen in UTC), rows by error key.
std::string failures_csv(const stats::RequestStats& stats);

/// PREFIX_exceptions.csv: one row per distinct traceback.
std::string exceptions_csv(const std::vector<UserException>& exceptions);

/// The header line of PREFIX_stats_history.csv.
std::string stats_history_header();

/// The rows PREFIX_stats_history.csv gains at `now_seconds`: the Aggregated
/// row, preceded by every entry's row with `full_history` (whose percentiles
/// are then the current ~10 s window's instead of the cumulative ones).
std::string stats_history_rows(const stats::RequestStats& stats, double now_seconds,
                               std::int64_t user_count, bool full_history);

}  // namespace cicada::report
