#pragma once

#include <string>

#include "cicada/stats/stats_entry.hpp"

namespace cicada::report {

// Entry values as Python Locust prints them: an int where Locust holds an
// int (empty entries, bucket medians), Python's float text where it holds a float.

/// Median: the bucket (int), or the clamped min/max (float), or 0.
std::string median_text(const stats::StatsEntry& entry);
/// `min_response_time or 0`.
std::string min_text(const stats::StatsEntry& entry);
/// Max: 0 until something was timed, then a float.
std::string max_text(const stats::StatsEntry& entry);
/// total_content_length / num_requests, or 0.
std::string avg_content_length_text(const stats::StatsEntry& entry);

}  // namespace cicada::report
