#pragma once

#include <string>
#include <vector>

#include "cicada/stats/request_stats.hpp"

// The tables Locust prints to the console, in its exact layout.

namespace cicada {
class Environment;
}

namespace cicada::report {

/// Width of the name column: 80 when the output is not a terminal (Locust's
/// STATS_NAME_WIDTH), else the terminal width - 80, between 0 and 80.
int stats_name_width();

/// The request table. `current`: rates over the last ~10 s (periodic prints);
/// otherwise totals over the run (the final print).
std::vector<std::string> stats_table(const stats::RequestStats& stats, bool current,
                                     int name_width = 80);

/// "Response time percentiles (approximated)" and its table.
std::vector<std::string> percentile_table(const stats::RequestStats& stats, int name_width = 80);

/// The same percentiles, exact: from the precise histogram (microsecond
/// resolution, 3 significant digits), in ms. cicada prints it after Locust's.
/// `corrected`: the rows of paced work, corrected for coordinated omission
/// (empty when the test had none).
std::vector<std::string> exact_percentile_table(const stats::RequestStats& stats,
                                                int name_width = 80, bool corrected = false);

/// "Arrival-rate iterations": started and dropped per open-model class;
/// empty when the test had none.
std::vector<std::string> iteration_table(const stats::RequestStats& stats, int name_width = 80);

/// `ms` to 3 significant digits ("0.253", "12.3", "1234").
std::string significant_ms(double ms);

/// "Error report" with occurrences per failure; empty when there were none.
std::vector<std::string> error_report(const stats::RequestStats& stats, int name_width = 80);

/// Prints the request table (current rates) to stderr now and every 2 s,
/// each followed by an empty line, as Locust's stats printer does. Runs on
/// the environment's runner until it quits.
void start_stats_printer(Environment& environment);

/// The end-of-run summary on stderr: the table with total rates, the
/// percentile table and, if anything failed, the error report.
void print_final_summary(const stats::RequestStats& stats);

/// Locust's `--json` output: the entries (not the total) as JSON, indented by 4.
std::string stats_json(const stats::RequestStats& stats);

}  // namespace cicada::report
