#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace cicada::stats {

/// A full-precision latency histogram in microseconds, in the style of
/// HdrHistogram: 2048 sub-buckets per power of two, so every recorded value is
/// kept to at least 3 significant digits (relative error below 0.1 %). Values
/// below 2048 us are exact. Memory grows with the largest value recorded
/// (about 64 KiB at 100 ms), not with the number of samples.
///
/// Merging adds counts bucket by bucket: associative and commutative, so
/// workers can ship histograms and a master can merge them in any order.
/// Not thread-safe; one histogram belongs to one event loop.
class LatencyHistogram {
 public:
  /// Values above this are recorded as this (about 12.7 days).
  static constexpr std::uint64_t kMaxValueUs = (std::uint64_t{1} << 40) - 1;

  void record(std::uint64_t value_us, std::uint64_t count = 1);
  void merge(const LatencyHistogram& other);
  /// Removes what `older` holds from this one (for windows: now minus a snapshot).
  /// Buckets never go below zero.
  void subtract(const LatencyHistogram& older);
  void clear();

  std::uint64_t total_count() const { return total_count_; }
  bool empty() const { return total_count_ == 0; }

  /// The value at quantile `q` (0..1): the midpoint of the bucket holding the
  /// sample of rank ceil(q * N), so within 0.05 % of the true sample. 0 when empty.
  std::uint64_t value_at_quantile(double q) const;

  /// Samples at or below `value_us`, counting the whole bucket that holds
  /// `value_us` (so up to 0.1 % above it): Prometheus's cumulative buckets.
  std::uint64_t count_at_or_below(std::uint64_t value_us) const;

  /// Compact bytes for the wire (varints of bucket index gaps and counts).
  std::string encode() const;
  /// Parses `encode()`'s bytes; false (and this cleared) when they are malformed.
  bool decode(std::string_view bytes);
  /// Adds `encode()`'s bytes to this histogram without building another one
  /// (what a master does with every report). Malformed bytes change nothing
  /// and return false.
  bool merge_encoded(std::string_view bytes);

  friend bool operator==(const LatencyHistogram& a, const LatencyHistogram& b);

  /// Index of the bucket holding `value_us`, and the range that bucket covers.
  static std::size_t bucket_index(std::uint64_t value_us);
  static std::uint64_t bucket_lowest_value(std::size_t index);
  static std::uint64_t bucket_highest_value(std::size_t index);

 private:
  std::vector<std::uint64_t> counts_;
  std::uint64_t total_count_ = 0;
};

}  // namespace cicada::stats
