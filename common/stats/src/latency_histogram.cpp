#include "cicada/stats/latency_histogram.hpp"

#include <algorithm>
#include <bit>
#include <cmath>

namespace cicada::stats {
namespace {

// 2048 sub-buckets per power of two: the top 11 bits of a value pick its
// bucket. Values below 2048 map to themselves; above, each power-of-two band
// [2^k, 2^(k+1)) is split into 1024 equal buckets.
constexpr unsigned kSubBucketBits = 11;
constexpr std::uint64_t kSubBucketCount = std::uint64_t{1} << kSubBucketBits;  // 2048
constexpr std::uint64_t kSubBucketHalf = kSubBucketCount / 2;                  // 1024

void put_varint(std::string& out, std::uint64_t value) {
  while (value >= 0x80) {
    out.push_back(static_cast<char>((value & 0x7f) | 0x80));
    value >>= 7;
  }
  out.push_back(static_cast<char>(value));
}

bool get_varint(std::string_view& in, std::uint64_t& value) {
  value = 0;
  for (unsigned shift = 0; shift < 64; shift += 7) {
    if (in.empty()) return false;
    const auto byte = static_cast<std::uint8_t>(in.front());
    in.remove_prefix(1);
    value |= static_cast<std::uint64_t>(byte & 0x7f) << shift;
    if ((byte & 0x80) == 0) return true;
  }
  return false;
}

}  // namespace

std::size_t LatencyHistogram::bucket_index(std::uint64_t value_us) {
  value_us = std::min(value_us, kMaxValueUs);
  if (value_us < kSubBucketCount) return static_cast<std::size_t>(value_us);
  const unsigned shift = static_cast<unsigned>(std::bit_width(value_us)) - kSubBucketBits;
  const std::uint64_t sub_bucket = value_us >> shift;  // in [1024, 2048)
  return static_cast<std::size_t>(shift * kSubBucketHalf + sub_bucket);
}

std::uint64_t LatencyHistogram::bucket_lowest_value(std::size_t index) {
  if (index < kSubBucketCount) return index;
  const std::uint64_t shift = (index - kSubBucketHalf) / kSubBucketHalf;
  const std::uint64_t sub_bucket = index - shift * kSubBucketHalf;
  return sub_bucket << shift;
}

std::uint64_t LatencyHistogram::bucket_highest_value(std::size_t index) {
  if (index < kSubBucketCount) return index;
  const std::uint64_t shift = (index - kSubBucketHalf) / kSubBucketHalf;
  return bucket_lowest_value(index) + (std::uint64_t{1} << shift) - 1;
}

void LatencyHistogram::record(std::uint64_t value_us, std::uint64_t count) {
  const std::size_t index = bucket_index(value_us);
  if (index >= counts_.size()) counts_.resize(index + 1, 0);
  counts_[index] += count;
  total_count_ += count;
}

void LatencyHistogram::merge(const LatencyHistogram& other) {
  if (other.counts_.size() > counts_.size()) counts_.resize(other.counts_.size(), 0);
  for (std::size_t i = 0; i < other.counts_.size(); ++i) counts_[i] += other.counts_[i];
  total_count_ += other.total_count_;
}

void LatencyHistogram::subtract(const LatencyHistogram& older) {
  const std::size_t n = std::min(counts_.size(), older.counts_.size());
  for (std::size_t i = 0; i < n; ++i) {
    const std::uint64_t removed = std::min(counts_[i], older.counts_[i]);
    counts_[i] -= removed;
    total_count_ -= removed;
  }
}

void LatencyHistogram::clear() {
  counts_.clear();
  total_count_ = 0;
}

std::uint64_t LatencyHistogram::value_at_quantile(double q) const {
  if (total_count_ == 0) return 0;
  q = std::clamp(q, 0.0, 1.0);
  const auto rank = std::max<std::uint64_t>(
      1, static_cast<std::uint64_t>(std::ceil(q * static_cast<double>(total_count_))));
  std::uint64_t seen = 0;
  for (std::size_t i = 0; i < counts_.size(); ++i) {
    seen += counts_[i];
    if (seen >= rank) {
      const std::uint64_t low = bucket_lowest_value(i);
      return low + (bucket_highest_value(i) - low) / 2;
    }
  }
  return bucket_lowest_value(counts_.size() - 1);
}

std::uint64_t LatencyHistogram::count_at_or_below(std::uint64_t value_us) const {
  const std::size_t last = std::min(bucket_index(std::min(value_us, kMaxValueUs)), counts_.size());
  std::uint64_t count = 0;
  for (std::size_t i = 0; i < counts_.size() && i <= last; ++i) count += counts_[i];
  return count;
}

std::string LatencyHistogram::encode() const {
  std::string out;
  std::size_t previous = 0;
  for (std::size_t i = 0; i < counts_.size(); ++i) {
    if (counts_[i] == 0) continue;
    put_varint(out, i - previous);
    put_varint(out, counts_[i]);
    previous = i;
  }
  return out;
}

namespace {

// Walks `encode()`'s (gap, count) pairs, calling visit(index, count) for each.
// False at the first malformed pair: a truncated varint, an index past the
// largest bucket, a zero count, or a total that would overflow.
template <typename Visit>
bool walk_encoded(std::string_view bytes, std::uint64_t total_count, Visit visit) {
  const std::size_t max_index = LatencyHistogram::bucket_index(LatencyHistogram::kMaxValueUs);
  std::size_t index = 0;
  while (!bytes.empty()) {
    std::uint64_t gap = 0;
    std::uint64_t count = 0;
    if (!get_varint(bytes, gap) || !get_varint(bytes, count) || gap > max_index - index ||
        count == 0 || total_count + count < total_count) {
      return false;
    }
    index += static_cast<std::size_t>(gap);
    total_count += count;
    visit(index, count);
  }
  return true;
}

}  // namespace

bool LatencyHistogram::decode(std::string_view bytes) {
  clear();
  return merge_encoded(bytes);
}

bool LatencyHistogram::merge_encoded(std::string_view bytes) {
  // Check everything first, so a bad report leaves the histogram as it was.
  std::size_t highest = 0;
  if (!walk_encoded(bytes, total_count_,
                    [&](std::size_t index, std::uint64_t) { highest = index; })) {
    return false;
  }
  if (!bytes.empty() && highest >= counts_.size()) counts_.resize(highest + 1, 0);
  walk_encoded(bytes, total_count_, [&](std::size_t index, std::uint64_t count) {
    counts_[index] += count;
    total_count_ += count;
  });
  return true;
}

bool operator==(const LatencyHistogram& a, const LatencyHistogram& b) {
  if (a.total_count_ != b.total_count_) return false;
  const std::size_t n = std::max(a.counts_.size(), b.counts_.size());
  for (std::size_t i = 0; i < n; ++i) {
    const std::uint64_t left = i < a.counts_.size() ? a.counts_[i] : 0;
    const std::uint64_t right = i < b.counts_.size() ? b.counts_[i] : 0;
    if (left != right) return false;
  }
  return true;
}

}  // namespace cicada::stats
