#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <utility>
#include <vector>

namespace cicada::stats {

/// Locust's bucket for a response time: the time in ms rounded to 2
/// significant digits as Python's `round` does (half to even on the exact
/// value): <100 ms to 1 ms, <1 s to 10 ms, <10 s to 100 ms, else to 1 s.
/// 145.0 ms -> 140, 99.5 ms -> 100, 1250 ms -> 1200, 14500 ms -> 14000.
std::int64_t locust_bucket_ms(std::uint64_t response_time_us);

/// Locust's `response_times` map ({rounded ms: count}) in a dense array, so
/// recording costs an index computation and an increment, never a map
/// insertion. Buckets beyond 10 minutes go to an overflow map.
class ResponseTimeBuckets {
 public:
  void record_bucket(std::int64_t bucket_ms, std::int64_t count = 1);
  void record(std::uint64_t response_time_us) { record_bucket(locust_bucket_ms(response_time_us)); }
  void merge(const ResponseTimeBuckets& other);
  void clear();
  bool empty() const;

  /// Non-zero buckets in ascending order, as (ms, count).
  std::vector<std::pair<std::int64_t, std::int64_t>> to_pairs() const;

  /// Locust's `calculate_response_time_percentile`: walks buckets from the
  /// largest down and returns the first whose remainder is within
  /// int(num_requests * percent). 0 when no bucket qualifies.
  std::int64_t percentile(std::int64_t num_requests, double percent) const;

  /// Locust's `median_from_dict` over `total` timed requests (no clamping).
  std::optional<std::int64_t> median(std::int64_t total) const;

  /// Each bucket of this minus `older` (Locust's `diff_response_time_dicts`).
  ResponseTimeBuckets minus(const ResponseTimeBuckets& older) const;

  friend bool operator==(const ResponseTimeBuckets&, const ResponseTimeBuckets&);

 private:
  std::vector<std::int64_t> dense_;                // indexed by dense_index(bucket)
  std::map<std::int64_t, std::int64_t> overflow_;  // buckets above kDenseMaxMs
};

}  // namespace cicada::stats
