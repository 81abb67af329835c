#include "stats_values.hpp"

#include "cicada/report/python_format.hpp"

namespace cicada::report {

std::string median_text(const stats::StatsEntry& entry) {
  const auto median = entry.response_times().median(entry.num_timed_requests());
  if (!median) return "0";
  const auto bucket = static_cast<double>(*median);
  if (bucket > entry.max_response_time_ms()) return python_float(entry.max_response_time_ms());
  if (entry.min_response_time_us() && bucket < entry.min_response_time_ms()) {
    return python_float(entry.min_response_time_ms());
  }
  return std::to_string(*median);
}

std::string min_text(const stats::StatsEntry& entry) {
  // Python's `min or 0` turns both None and 0.0 into the int 0.
  if (!entry.min_response_time_us() || *entry.min_response_time_us() == 0) return "0";
  return python_float(entry.min_response_time_ms());
}

std::string max_text(const stats::StatsEntry& entry) {
  if (!entry.min_response_time_us()) return "0";
  return python_float(entry.max_response_time_ms());
}

std::string avg_content_length_text(const stats::StatsEntry& entry) {
  if (entry.num_requests() == 0) return "0";
  return python_float(entry.avg_content_length());
}

}  // namespace cicada::report
