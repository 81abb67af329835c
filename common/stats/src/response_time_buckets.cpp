#include "cicada/stats/response_time_buckets.hpp"

#include <algorithm>

namespace cicada::stats {
namespace {

constexpr std::int64_t kDenseMaxMs = 600'000;

/// Rounds value / unit to the nearest integer, ties to even, in integers.
std::uint64_t round_half_even(std::uint64_t value, std::uint64_t unit) {
  std::uint64_t quotient = value / unit;
  const std::uint64_t remainder = value % unit;
  const std::uint64_t twice = remainder * 2;
  if (twice > unit || (twice == unit && quotient % 2 == 1)) ++quotient;
  return quotient;
}

// Bucket keys are 0..100 by 1, then to 1000 by 10, to 10000 by 100, then by 1000.
std::size_t dense_index(std::int64_t bucket) {
  if (bucket <= 100) return static_cast<std::size_t>(bucket);
  if (bucket <= 1000) return static_cast<std::size_t>(100 + (bucket - 100) / 10);
  if (bucket <= 10'000) return static_cast<std::size_t>(190 + (bucket - 1000) / 100);
  return static_cast<std::size_t>(280 + (bucket - 10'000) / 1000);
}

std::int64_t bucket_of_index(std::size_t index) {
  const auto i = static_cast<std::int64_t>(index);
  if (i <= 100) return i;
  if (i <= 190) return 100 + (i - 100) * 10;
  if (i <= 280) return 1000 + (i - 190) * 100;
  return 10'000 + (i - 280) * 1000;
}

bool is_dense_key(std::int64_t bucket) {
  if (bucket < 0 || bucket > kDenseMaxMs) return false;
  return bucket_of_index(dense_index(bucket)) == bucket;
}

}  // namespace

std::int64_t locust_bucket_ms(std::uint64_t us) {
  // Python compares the float ms value: t < 100 <=> us < 100000, and so on.
  if (us < 100'000) return static_cast<std::int64_t>(round_half_even(us, 1000));
  if (us < 1'000'000) return static_cast<std::int64_t>(round_half_even(us, 10'000) * 10);
  if (us < 10'000'000) return static_cast<std::int64_t>(round_half_even(us, 100'000) * 100);
  return static_cast<std::int64_t>(round_half_even(us, 1'000'000) * 1000);
}

void ResponseTimeBuckets::record_bucket(std::int64_t bucket_ms, std::int64_t count) {
  // Buckets from Locust peers may be any number (old versions send floats,
  // custom clients odd values): keep those exactly, off the dense path.
  if (!is_dense_key(bucket_ms)) {
    overflow_[bucket_ms] += count;
    return;
  }
  const std::size_t index = dense_index(bucket_ms);
  if (index >= dense_.size()) dense_.resize(index + 1, 0);
  dense_[index] += count;
}

void ResponseTimeBuckets::merge(const ResponseTimeBuckets& other) {
  if (other.dense_.size() > dense_.size()) dense_.resize(other.dense_.size(), 0);
  for (std::size_t i = 0; i < other.dense_.size(); ++i) dense_[i] += other.dense_[i];
  for (const auto& [bucket, count] : other.overflow_) overflow_[bucket] += count;
}

void ResponseTimeBuckets::clear() {
  dense_.clear();
  overflow_.clear();
}

bool ResponseTimeBuckets::empty() const {
  return overflow_.empty() &&
         std::all_of(dense_.begin(), dense_.end(), [](std::int64_t c) { return c == 0; });
}

std::vector<std::pair<std::int64_t, std::int64_t>> ResponseTimeBuckets::to_pairs() const {
  std::map<std::int64_t, std::int64_t> merged(overflow_);
  for (std::size_t i = 0; i < dense_.size(); ++i) {
    if (dense_[i] != 0) merged[bucket_of_index(i)] += dense_[i];
  }
  std::vector<std::pair<std::int64_t, std::int64_t>> pairs;
  pairs.reserve(merged.size());
  for (const auto& [bucket, count] : merged) {
    if (count != 0) pairs.emplace_back(bucket, count);
  }
  return pairs;
}

std::int64_t ResponseTimeBuckets::percentile(std::int64_t num_requests, double percent) const {
  const auto wanted = static_cast<std::int64_t>(static_cast<double>(num_requests) * percent);
  std::int64_t processed = 0;
  const auto pairs = to_pairs();
  for (auto it = pairs.rbegin(); it != pairs.rend(); ++it) {
    processed += it->second;
    if (num_requests - processed <= wanted) return it->first;
  }
  return 0;
}

std::optional<std::int64_t> ResponseTimeBuckets::median(std::int64_t total) const {
  const auto pairs = to_pairs();
  if (pairs.empty()) return std::nullopt;
  double position = static_cast<double>(total - 1) / 2.0;
  for (const auto& [bucket, count] : pairs) {
    if (position < static_cast<double>(count)) return bucket;
    position -= static_cast<double>(count);
  }
  return pairs.back().first;
}

ResponseTimeBuckets ResponseTimeBuckets::minus(const ResponseTimeBuckets& older) const {
  ResponseTimeBuckets result;
  for (const auto& [bucket, count] : to_pairs()) result.record_bucket(bucket, count);
  for (const auto& [bucket, count] : older.to_pairs()) result.record_bucket(bucket, -count);
  // Locust drops buckets whose difference is zero; keep only positive rows.
  ResponseTimeBuckets positive;
  for (const auto& [bucket, count] : result.to_pairs()) {
    if (count > 0) positive.record_bucket(bucket, count);
  }
  return positive;
}

bool operator==(const ResponseTimeBuckets& a, const ResponseTimeBuckets& b) {
  return a.to_pairs() == b.to_pairs();
}

}  // namespace cicada::stats
