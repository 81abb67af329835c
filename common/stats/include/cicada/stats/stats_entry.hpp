#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <vector>

#include "cicada/stats/latency_histogram.hpp"
#include "cicada/stats/response_time_buckets.hpp"

namespace cicada::proto {
struct StatsEntryReport;
}

namespace cicada::stats {

/// Requests and failures counted in one wall-clock second.
struct SecondCount {
  std::int64_t second = 0;  ///< Unix epoch seconds
  std::int64_t requests = 0;
  std::int64_t failures = 0;
};

/// The statistics of one (name, method) pair, or of the Aggregated total:
/// Locust's StatsEntry, plus a precise histogram. Times are kept in integer
/// microseconds; Locust's millisecond values are derived when needed.
///
/// Recording is allocation-free in the steady state. Not thread-safe.
class StatsEntry {
 public:
  StatsEntry(std::string name, std::string method, double now_seconds, bool keep_percentile_window);

  const std::string& name() const { return name_; }
  const std::string& method() const { return method_; }

  /// One request (failed or not). `response_time_us` empty means "not timed"
  /// (Locust's `response_time=None`).
  void log(std::optional<std::uint64_t> response_time_us, std::int64_t content_length_bytes,
           double now_seconds);
  /// A request of paced work (logged with `log` too) that was meant to go
  /// `expected_interval_us` after the one before: when it took longer, the
  /// requests it held back are recorded as omitted samples (as wrk2 and
  /// HdrHistogram's corrected recording do), `response_time - k * interval`.
  void log_paced(std::uint64_t response_time_us, std::uint64_t expected_interval_us);
  /// One failure, counted in the current second (the request itself is `log`ged separately).
  void log_error(double now_seconds);

  /// Adds another entry's data (Locust's `extend`): the master merging a report.
  void extend(const StatsEntry& other);
  /// Zeroes everything and restarts the clock (Locust's `reset`).
  void reset(double now_seconds);

  std::int64_t num_requests() const { return num_requests_; }
  std::int64_t num_none_requests() const { return num_none_requests_; }
  std::int64_t num_failures() const { return num_failures_; }
  std::int64_t num_timed_requests() const { return num_requests_ - num_none_requests_; }
  std::int64_t total_content_length() const { return total_content_length_; }
  std::uint64_t total_response_time_us() const { return total_response_time_us_; }
  std::optional<std::uint64_t> min_response_time_us() const { return min_response_time_us_; }
  std::uint64_t max_response_time_us() const { return max_response_time_us_; }
  double start_time() const { return start_time_; }
  std::optional<double> last_request_timestamp() const { return last_request_timestamp_; }
  const ResponseTimeBuckets& response_times() const { return response_times_; }
  const LatencyHistogram& histogram() const { return histogram_; }
  const std::deque<SecondCount>& per_second() const { return per_second_; }

  // Derived values, as Locust computes them (ms where Locust uses ms).
  double fail_ratio() const;
  double avg_response_time_ms() const;
  double min_response_time_ms() const;  ///< 0 when nothing was timed
  double max_response_time_ms() const;
  /// Median from Locust's buckets, clamped into [min, max] (so it may be a
  /// fraction, like Locust's). 0 when nothing was timed.
  double median_response_time_ms() const;
  /// Locust's percentile over the rounded buckets (an integer ms value).
  std::int64_t response_time_percentile_ms(double percent) const;
  /// The precise percentile in microseconds, from the full histogram.
  std::uint64_t precise_percentile_us(double percent) const;
  /// Requests of paced work; > 0 means the corrected figures apply.
  std::int64_t paced_requests() const { return paced_requests_; }
  /// Samples coordinated omission hid (what the corrected figures add).
  const LatencyHistogram& omitted() const { return omitted_; }
  /// The percentile corrected for coordinated omission: over the requests and
  /// the samples they held back. Equals precise_percentile_us without stalls.
  std::uint64_t corrected_percentile_us(double percent) const;
  /// The same for several percentiles at once (the two histograms are merged once).
  std::vector<std::uint64_t> corrected_percentiles_us(const std::vector<double>& percents) const;
  double avg_content_length() const;

  /// Average requests (failures) per second over Locust's current window,
  /// which is set by the Aggregated entry's timestamps: seconds
  /// [max(int(last) - 12, int(start)), int(last) - 3].
  double current_rps(const StatsEntry& total) const;
  double current_fail_per_sec(const StatsEntry& total) const;
  /// num_requests / (total.last_request_timestamp - total.start_time).
  double total_rps(const StatsEntry& total) const;
  double total_fail_per_sec(const StatsEntry& total) const;

  /// The percentile over roughly the last 10 s (Locust's response-times
  /// cache); empty when no snapshot is old enough. Needs keep_percentile_window.
  std::optional<std::int64_t> current_response_time_percentile_ms(double percent,
                                                                  double now_seconds) const;

  /// Locust's serialized form, for a worker's report.
  proto::StatsEntryReport to_report() const;
  /// Adds a received report to this entry (what the master does per entry).
  void extend(const proto::StatsEntryReport& report);

 private:
  struct Snapshot {
    std::int64_t second;
    ResponseTimeBuckets response_times;
    std::int64_t num_timed_requests;
  };

  void count_second(std::int64_t second, std::int64_t requests, std::int64_t failures);
  void snapshot(std::int64_t second);
  double window_average(const StatsEntry& total, bool failures) const;

  std::string name_;
  std::string method_;
  bool keep_percentile_window_;
  std::int64_t num_requests_ = 0;
  std::int64_t num_none_requests_ = 0;
  std::int64_t num_failures_ = 0;
  std::uint64_t total_response_time_us_ = 0;
  std::optional<std::uint64_t> min_response_time_us_;
  std::uint64_t max_response_time_us_ = 0;
  std::int64_t total_content_length_ = 0;
  double start_time_ = 0;
  std::optional<double> last_request_timestamp_;
  ResponseTimeBuckets response_times_;
  LatencyHistogram histogram_;
  std::int64_t paced_requests_ = 0;
  LatencyHistogram omitted_;
  std::deque<SecondCount> per_second_;
  std::deque<Snapshot> snapshots_;
};

}  // namespace cicada::stats
